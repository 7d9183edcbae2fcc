#pragma once
/// Runs a CLI11 parse over an argument vector, turning CLI11's errors into fpvm::Error and help
/// requests into a printed help text.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace fpvm::cli {

/// Parses; returns false when help was printed (the command should exit 0).
inline bool parseArgs(CLI::App& app, const Args& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return false;
  } catch (const CLI::ParseError& e) {
    throw Error(app.get_name() + ": " + e.what());
  }
  return true;
}

}  // namespace fpvm::cli
