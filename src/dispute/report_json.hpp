#pragma once
/// The bisection report as JSON (what `fpvm bisect` prints and writes with --out).
#include <nlohmann/json.hpp>

#include "dispute/bisection.hpp"

namespace fpvm::dispute {

/// {"outcome", "verdict", "winner", "reason", "disputedStep", "agreedHash", "claims", "verifiedPost",
///  "proofs", "finalClaims", "prestates", "levels", "roundTrips", "seconds", "parties"}.
nlohmann::ordered_json reportToJson(const BisectReport& report);

/// "A", "B", or "" when no claim holds.
std::string winnerName(const BisectReport& report);

}  // namespace fpvm::dispute
