#pragma once
// The engine variants every engine-level test runs: the reference interpreter (the definition),
// the fast engine with and without its native tier, the proving engine's leaf-pair bookkeeping,
// and a proof of the step checked by the stateless verifier. Used as the parameter of the
// single-instruction fixture (tests/unit/single_step.hpp) and of the engine comparisons
// (tests/engines).
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fpvm::test {

/// One way of executing steps.
enum class EngineVariant {
  Reference,        ///< vm::Interpreter on every step
  FastNative,       ///< FastEngine, Bookkeeping::Pages, native tier on
  FastInterpreter,  ///< FastEngine, Bookkeeping::Pages, native tier off (threaded interpreter only)
  Proving,          ///< FastEngine, Bookkeeping::LeafPairs, native tier off
  ProveThenVerify,  ///< vm::proveStep, then proof::verifyStep on the proof alone
  ProvingNative,    ///< FastEngine, Bookkeeping::LeafPairs, native tier on (stores mark leaf pairs inline)
};

/// Every variant, in the order above.
inline const std::vector<EngineVariant>& allEngineVariants() {
  static const std::vector<EngineVariant> all = {EngineVariant::Reference, EngineVariant::FastNative,
                                                 EngineVariant::FastInterpreter, EngineVariant::Proving,
                                                 EngineVariant::ProveThenVerify, EngineVariant::ProvingNative};
  return all;
}

/// A gtest-safe name ("Reference", "FastNative", …).
inline std::string engineVariantName(EngineVariant v) {
  switch (v) {
    case EngineVariant::Reference: return "Reference";
    case EngineVariant::FastNative: return "FastNative";
    case EngineVariant::FastInterpreter: return "FastInterpreter";
    case EngineVariant::Proving: return "Proving";
    case EngineVariant::ProveThenVerify: return "ProveThenVerify";
    case EngineVariant::ProvingNative: return "ProvingNative";
  }
  return "Unknown";
}

/// Parameter-name generator for INSTANTIATE_TEST_SUITE_P.
struct EngineVariantName {
  std::string operator()(const testing::TestParamInfo<EngineVariant>& info) const {
    return engineVariantName(info.param);
  }
};

}  // namespace fpvm::test

/// Instantiates a TEST_P suite over every engine variant.
#define FPVM_ALL_ENGINE_VARIANTS(Suite)                                                                \
  INSTANTIATE_TEST_SUITE_P(Engines, Suite, testing::ValuesIn(::fpvm::test::allEngineVariants()), \
                           ::fpvm::test::EngineVariantName())
