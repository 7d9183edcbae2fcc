#pragma once
/// How a suite run is shown: a terminal table, the diff of each failing case, JUnit XML for CI.
#include <ostream>
#include <string>

#include "testrunner/manifest.hpp"
#include "testrunner/suite_runner.hpp"

namespace fpvm::testrunner {

/// One line per case (case, result, steps, time) and a summary line.
void printTable(std::ostream& out, const Suite& suite, const SuiteResult& result);

/// For every case that did not pass: expected against got per field, the error, and the last
/// lines of the guest's output.
void printDiffs(std::ostream& out, const Suite& suite, const SuiteResult& result);

/// The run as JUnit XML (one <testsuite>, one <testcase> per case; <failure> for a failed
/// expectation, <error> for a run that could not complete; guest output in <system-out>).
std::string junitXml(const Suite& suite, const SuiteResult& result);

}  // namespace fpvm::testrunner
