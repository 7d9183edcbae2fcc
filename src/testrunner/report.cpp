#include "testrunner/report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "common/hex.hpp"
#include "common/text.hpp"

namespace fpvm::testrunner {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }
std::string padLeft(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }

/// The last `n` lines of `text`.
std::vector<std::string> lastLines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(n));
  return lines;
}

std::string diffText(const CaseResult& r) {
  std::string out;
  size_t width = 0;
  for (const auto& m : r.mismatches) width = std::max(width, m.field.size());
  for (const auto& m : r.mismatches) {
    out += "  " + pad(m.field + ":", width + 1) + " expected " + m.expected + "\n";
    out += "  " + std::string(width + 1, ' ') + " got      " + m.got +
           (m.recorded ? "   (recorded; fpvm test --update records it)" : "") + "\n";
  }
  if (!r.error.empty()) out += "  error: " + r.error + "\n";
  return out;
}

}  // namespace

void printTable(std::ostream& out, const Suite& suite, const SuiteResult& result) {
  size_t nameWidth = 4;
  for (const auto& c : suite.cases) nameWidth = std::max(nameWidth, c.name.size());
  out << pad("case", nameWidth) << "  " << pad("result", 7) << "  " << padLeft("steps", 14) << "  " << padLeft("time", 9)
      << "  verdict\n";
  size_t counts[4] = {};
  for (size_t i = 0; i < suite.cases.size(); ++i) {
    const CaseResult& r = result.cases[i];
    ++counts[static_cast<size_t>(r.result)];
    std::string steps = r.haveState || r.steps ? withCommas(r.steps) : "-";
    std::string verdict = r.haveState ? std::string(verdictOf(r.exitCode)) + " (exit " + std::to_string(r.exitCode) + ")" : "-";
    out << pad(suite.cases[i].name, nameWidth) << "  " << pad(resultName(r.result), 7) << "  " << padLeft(steps, 14) << "  "
        << padLeft(seconds(r.seconds), 9) << "  " << verdict << "\n";
  }
  out << suite.name << ": " << suite.cases.size() << " cases, " << counts[static_cast<size_t>(Result::Pass)] << " passed";
  if (counts[static_cast<size_t>(Result::Updated)]) out << ", " << counts[static_cast<size_t>(Result::Updated)] << " updated";
  if (counts[static_cast<size_t>(Result::Fail)]) out << ", " << counts[static_cast<size_t>(Result::Fail)] << " failed";
  if (counts[static_cast<size_t>(Result::Error)]) out << ", " << counts[static_cast<size_t>(Result::Error)] << " errors";
  out << " in " << seconds(result.seconds) << "\n";
}

void printDiffs(std::ostream& out, const Suite& suite, const SuiteResult& result) {
  for (size_t i = 0; i < suite.cases.size(); ++i) {
    const CaseResult& r = result.cases[i];
    if (r.result == Result::Pass) continue;
    if (r.result == Result::Updated) {
      out << "\nUPDATED " << suite.cases[i].name << ": steps " << withCommas(r.steps) << ", stateHash " << toHex(r.stateHash)
          << "\n";
      if (!r.mismatches.empty()) out << diffText(r);
      continue;
    }
    out << "\n" << resultName(r.result) << " " << suite.cases[i].name << " (" << suite.cases[i].program << ")\n" << diffText(r);
    auto lines = lastLines(r.guestOutput, 8);
    if (!lines.empty()) {
      out << "  guest output (last " << lines.size() << " lines):\n";
      for (const auto& l : lines) out << "  | " << l << "\n";
    }
  }
}

std::string junitXml(const Suite& suite, const SuiteResult& result) {
  size_t failures = 0, errors = 0;
  for (const auto& r : result.cases) {
    if (r.result == Result::Fail) ++failures;
    if (r.result == Result::Error) ++errors;
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", result.seconds);
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"fpvm test\" tests=\"" + std::to_string(suite.cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" time=\"" + time + "\">\n";
  x += "  <testsuite name=\"" + xmlEscape(suite.name) + "\" tests=\"" + std::to_string(suite.cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"0\" time=\"" + time + "\">\n";
  for (size_t i = 0; i < suite.cases.size(); ++i) {
    const CaseResult& r = result.cases[i];
    std::snprintf(time, sizeof time, "%.3f", r.seconds);
    x += "    <testcase classname=\"" + xmlEscape(suite.name) + "\" name=\"" + xmlEscape(suite.cases[i].name) + "\" time=\"" +
         time + "\">\n";
    x += "      <properties><property name=\"steps\" value=\"" + std::to_string(r.steps) + "\"/>";
    if (r.haveState) {
      x += "<property name=\"exitCode\" value=\"" + std::to_string(r.exitCode) + "\"/><property name=\"stateHash\" value=\"" +
           toHex(r.stateHash) + "\"/>";
    }
    x += "</properties>\n";
    if (r.result == Result::Fail) {
      std::string msg = r.mismatches.empty() ? "failed"
                                             : r.mismatches.front().field + ": expected " + r.mismatches.front().expected +
                                                   ", got " + r.mismatches.front().got;
      x += "      <failure message=\"" + xmlEscape(msg) + "\" type=\"expectation\">" + xmlEscape(diffText(r)) + "</failure>\n";
    } else if (r.result == Result::Error) {
      x += "      <error message=\"" + xmlEscape(r.error) + "\" type=\"run\">" + xmlEscape(diffText(r)) + "</error>\n";
    }
    if (!r.guestOutput.empty()) x += "      <system-out>" + xmlEscape(r.guestOutput) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace fpvm::testrunner
