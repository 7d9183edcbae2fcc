#pragma once
/// `fpvm test --update`: records step counts and final state hashes in the manifest.
#include <string>

#include "testrunner/manifest.hpp"
#include "testrunner/suite_runner.hpp"

namespace fpvm::testrunner {

/// Rewrites `suite.path` atomically with "expect.steps" and "expect.stateHash" of every case
/// whose result is Updated or Pass set to what the run produced; everything else (field order,
/// other fields, failing cases) is kept; nothing is written when no case changed. Returns the
/// number of cases whose fields changed.
/// Throws Error when the file cannot be read or written.
size_t updateManifest(const Suite& suite, const SuiteResult& result);

}  // namespace fpvm::testrunner
