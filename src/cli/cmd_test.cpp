// `fpvm test`: runs a suite of fault-proof-program fixtures from a JSON manifest (src/testrunner,
// sdk/README.md "fpvm test"). Exit codes: 0 every case passed (or was updated), 1 a case failed
// or could not run, 2 the command line or the manifest is malformed, 130 interrupted.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "testrunner/manifest.hpp"
#include "testrunner/manifest_update.hpp"
#include "testrunner/report.hpp"
#include "testrunner/suite_runner.hpp"

namespace fpvm::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitMalformed = 2;

int runTestCommand(const Args& args) {
  FlagSet flags("test", "run a suite of fault-proof-program fixtures from a JSON manifest");
  std::string manifest, junit, guestOutputDir;
  std::vector<std::string> varArgs;
  uint64_t jobs = 1;
  bool update = false, quiet = false;
  flags.add("manifest", &manifest, "the suite's JSON manifest (also accepted as the only argument after the flags)");
  flags.add("jobs", &jobs, "cases run at once (0 = one per hardware thread)");
  flags.add("junit", &junit, "write a JUnit XML report to this file (atomically)");
  flags.add("update", &update, "record each passing case's step count and final state hash in the manifest");
  flags.add("var", &varArgs, "NAME=VALUE for ${NAME} in the manifest (before the environment); may be repeated");
  flags.add("guest-output", &guestOutputDir, "write each case's guest stdout and stderr to DIR/<case>.out");
  flags.add("quiet", &quiet, "print only failures and the summary line");
  flags.footer(
      "Exit codes: 0 all cases passed (or were updated), 1 a case failed or could not run, 2 malformed command line or\n"
      "manifest (the message names the file, the case and the field), 130 interrupted.");
  // `fpvm test [flags] MANIFEST`: a last argument that is not a flag, nor the value of one, is the manifest.
  Args rest = args;
  if (!rest.empty() && !rest.back().empty() && rest.back()[0] != '-') {
    bool isValue = false;
    if (rest.size() >= 2) {
      const std::string& prev = rest[rest.size() - 2];
      std::string name = prev.substr(prev.find_first_not_of('-') == std::string::npos ? 0 : prev.find_first_not_of('-'));
      isValue = prev[0] == '-' && prev.find('=') == std::string::npos &&
                (name == "manifest" || name == "jobs" || name == "junit" || name == "var" || name == "guest-output");
    }
    if (!isValue) {
      manifest = rest.back();
      rest.pop_back();
    }
  }
  std::string positional = manifest;
  testrunner::Variables vars;
  testrunner::Suite suite;
  try {
    if (!flags.parse(rest)) return 0;
    if (!positional.empty()) {
      if (flags.given("manifest")) throw Error("test: the manifest is given twice (--manifest and \"" + positional + "\")");
      manifest = positional;
    }
    if (manifest.empty()) throw Error("test: no manifest given (fpvm test [flags] MANIFEST.json)");
    for (const auto& v : varArgs) {
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw Error("test: --var needs NAME=VALUE, not \"" + v + "\"");
      vars[v.substr(0, eq)] = v.substr(eq + 1);
    }
    suite = testrunner::loadManifest(manifest, vars);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return kExitMalformed;
  }
  testrunner::SuiteOptions options;
  options.jobs =
      jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : static_cast<unsigned>(std::min<uint64_t>(jobs, 256));
  options.update = update;
  options.cancel = &gInterrupted;
  // One line on stderr per finished case, so that a long suite shows progress; the table on
  // stdout follows in manifest order.
  if (!quiet) {
    options.onDone = [&](size_t i, size_t done, const testrunner::CaseResult& r) {
      char time[32];
      std::snprintf(time, sizeof time, "%.2f s", r.seconds);
      std::cerr << "  [" << done << "/" << suite.cases.size() << "] " << suite.cases[i].name << " "
                << testrunner::resultName(r.result) << " (" << time << ")" << std::endl;
    };
  }
  std::cerr << "fpvm test: " << suite.name << ": " << suite.cases.size() << " cases from " << manifest << " on " << options.jobs
            << (options.jobs == 1 ? " job\n" : " jobs\n");
  testrunner::SuiteResult result = testrunner::runSuite(suite, options);

  if (!junit.empty()) {
    std::string xml = testrunner::junitXml(suite, result);
    writeFileAtomic(junit, ByteView(reinterpret_cast<const uint8_t*>(xml.data()), xml.size()));
  }
  if (!guestOutputDir.empty()) {
    std::filesystem::create_directories(guestOutputDir);
    for (size_t i = 0; i < suite.cases.size(); ++i) {
      const std::string& text = result.cases[i].guestOutput;
      writeFileAtomic(guestOutputDir + "/" + suite.cases[i].name + ".out",
                      ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    }
  }
  if (!quiet) testrunner::printTable(std::cout, suite, result);
  testrunner::printDiffs(std::cout, suite, result);
  if (quiet) {
    // The summary line alone.
    std::ostringstream table;
    testrunner::printTable(table, suite, result);
    std::string t = table.str();
    size_t last = t.rfind('\n', t.size() - 2);
    std::cout << t.substr(last == std::string::npos ? 0 : last + 1);
  }
  if (update) {
    size_t changed = testrunner::updateManifest(suite, result);
    std::cout << "updated " << manifest << ": " << changed << " case" << (changed == 1 ? "" : "s") << " changed\n";
  }
  std::cout.flush();
  if (gInterrupted) return kExitInterrupted;
  return result.ok() ? 0 : kExitFailed;
}

}  // namespace

int runTest(const Args& args) { return runTestCommand(args); }

}  // namespace fpvm::cli
