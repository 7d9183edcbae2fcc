#include "testrunner/manifest.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/file_io.hpp"
#include "common/hex.hpp"

namespace fpvm::testrunner {
namespace {

using Json = nlohmann::json;

const std::set<std::string> kCaseFields = {"name",      "program",         "boot",  "bootFile", "preimages",
                                           "stepLimit", "serverTimeoutMs", "expect"};
const std::set<std::string> kPreimageFields = {"dir", "inline", "server"};
const std::set<std::string> kExpectFields = {"exitCode", "verdict", "minSteps", "maxSteps", "steps", "stateHash"};

/// Builds errors that name the manifest, the case and the field.
struct Where {
  std::string file;
  std::string caseName;  ///< empty at the top level

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    std::string at = file;
    if (!caseName.empty()) at += ": case \"" + caseName + "\"";
    if (!field.empty()) at += ": field \"" + field + "\"";
    throw ManifestError(at + ": " + problem);
  }
};

/// `${NAME}` → value (vars first, then the environment).
std::string expand(const std::string& text, const Variables& vars, const Where& w, const std::string& field) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${", i);
    if (start == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, start - i);
    size_t end = text.find('}', start);
    if (end == std::string::npos) w.fail(field, "unterminated ${ in \"" + text + "\"");
    std::string name = text.substr(start + 2, end - start - 2);
    auto it = vars.find(name);
    if (it != vars.end()) {
      out += it->second;
    } else if (const char* env = std::getenv(name.c_str())) {
      out += env;
    } else {
      w.fail(field, "variable ${" + name + "} is not set (pass --var " + name + "=VALUE or set it in the environment)");
    }
    i = end + 1;
  }
  return out;
}

std::string resolvePath(const std::string& p, const std::string& dir) {
  std::filesystem::path path(p);
  if (path.is_absolute() || dir.empty()) return p;
  return (std::filesystem::path(dir) / path).lexically_normal().string();
}

std::string str(const Json& j, const Where& w, const std::string& field, const Variables& vars) {
  if (!j.is_string()) w.fail(field, "must be a string");
  return expand(j.get<std::string>(), vars, w, field);
}

/// A path field: a literal relative path is relative to the manifest's folder; one that starts
/// with a variable is taken as the variable makes it (relative to the working directory).
std::string pathField(const Json& j, const Where& w, const std::string& field, const Variables& vars, const std::string& dir) {
  std::string p = str(j, w, field, vars);
  if (j.get<std::string>().rfind("${", 0) == 0) return p;
  return resolvePath(p, dir);
}

uint64_t u64(const Json& j, const Where& w, const std::string& field) {
  if (!j.is_number_unsigned()) w.fail(field, "must be a non-negative integer");
  return j.get<uint64_t>();
}

void checkKeys(const Json& obj, const std::set<std::string>& allowed, const Where& w, const std::string& prefix) {
  for (const auto& [key, value] : obj.items()) {
    (void)value;
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      w.fail(prefix + key, "unknown field (expected one of " + list + ")");
    }
  }
}

/// Case fields over the suite's defaults; "boot", "expect" and "preimages" merge one level deep
/// ("preimages.inline" two). A null value removes the default.
Json merged(const Json& defaults, const Json& c) {
  Json out = defaults;
  for (const auto& [key, value] : c.items()) {
    if ((key == "expect" || key == "preimages" || key == "boot") && value.is_object() && out.contains(key) &&
        out[key].is_object()) {
      for (const auto& [k, v] : value.items()) {
        if (k == "inline" && v.is_object() && out[key].contains(k) && out[key][k].is_object()) {
          for (const auto& [ik, iv] : v.items()) out[key][k][ik] = iv;
        } else if (v.is_null()) {
          out[key].erase(k);  // null removes a default
        } else {
          out[key][k] = v;
        }
      }
    } else if (value.is_null()) {
      out.erase(key);
    } else {
      out[key] = value;
    }
  }
  return out;
}

void parseBoot(const Json& j, Case& c, const Where& w, const Variables& vars) {
  if (!j.is_object()) w.fail("boot", "must be an object of index → hex string or number");
  // local_values.hpp does the parsing; expand variables in the values first.
  Json expanded = Json::object();
  for (const auto& [k, v] : j.items()) expanded[k] = v.is_string() ? Json(str(v, w, "boot." + k, vars)) : v;
  try {
    preimage::addLocalJson(c.boot, expanded.dump(), "boot");
  } catch (const Error& e) {
    w.fail("boot", e.what());
  }
}

void parsePreimages(const Json& j, Case& c, const Where& w, const Variables& vars, const std::string& dir) {
  if (!j.is_object()) w.fail("preimages", "must be an object with dir, inline and/or server");
  checkKeys(j, kPreimageFields, w, "preimages.");
  if (j.contains("dir")) c.preimageDir = pathField(j["dir"], w, "preimages.dir", vars, dir);
  if (j.contains("inline")) {
    const Json& in = j["inline"];
    if (!in.is_object()) w.fail("preimages.inline", "must be an object of \"0x<32-byte key>\": \"0x<value>\"");
    for (const auto& [k, v] : in.items()) {
      std::string field = "preimages.inline." + k;
      try {
        Hash32 key = hash32FromHex(expand(k, vars, w, field), "key");
        c.inlinePreimages[key.b] = fromHex(str(v, w, field, vars), "value");
      } catch (const ManifestError&) {
        throw;
      } catch (const Error& e) {
        w.fail(field, e.what());
      }
    }
  }
  if (j.contains("server")) {
    const Json& s = j["server"];
    if (!s.is_array() || s.empty()) w.fail("preimages.server", "must be a non-empty array: the command and its arguments");
    for (size_t i = 0; i < s.size(); ++i)
      c.serverCommand.push_back(str(s[i], w, "preimages.server[" + std::to_string(i) + "]", vars));
    // The command is looked up in PATH unless it names a file; a relative file is relative to the manifest.
    if (c.serverCommand[0].find('/') != std::string::npos && s[0].get<std::string>().rfind("${", 0) != 0)
      c.serverCommand[0] = resolvePath(c.serverCommand[0], dir);
  }
}

void parseExpect(const Json& j, Case& c, const Where& w) {
  if (!j.is_object()) w.fail("expect", "must be an object");
  checkKeys(j, kExpectFields, w, "expect.");
  Expectation& e = c.expect;
  if (j.contains("exitCode")) {
    uint64_t v = u64(j["exitCode"], w, "expect.exitCode");
    if (v > 255) w.fail("expect.exitCode", "must be between 0 and 255");
    e.exitCode = static_cast<uint8_t>(v);
  }
  if (j.contains("verdict")) {
    if (!j["verdict"].is_string()) w.fail("expect.verdict", "must be \"valid\", \"invalid\" or \"panic\"");
    std::string v = j["verdict"].get<std::string>();
    if (v != "valid" && v != "invalid" && v != "panic")
      w.fail("expect.verdict", "must be \"valid\", \"invalid\" or \"panic\", not \"" + v + "\"");
    e.verdict = v;
  }
  if (j.contains("minSteps")) e.minSteps = u64(j["minSteps"], w, "expect.minSteps");
  if (j.contains("maxSteps")) e.maxSteps = u64(j["maxSteps"], w, "expect.maxSteps");
  if (j.contains("steps")) e.steps = u64(j["steps"], w, "expect.steps");
  if (j.contains("stateHash")) {
    if (!j["stateHash"].is_string()) w.fail("expect.stateHash", "must be a 0x-prefixed 32-byte hex string");
    try {
      e.stateHash = hash32FromHex(j["stateHash"].get<std::string>(), "state hash");
    } catch (const Error& ex) {
      w.fail("expect.stateHash", ex.what());
    }
  }
  if (!e.exitCode && !e.verdict) w.fail("expect", "needs \"exitCode\" or \"verdict\"");
  if (e.exitCode && e.verdict) {
    const char* implied = *e.exitCode == 0 ? "valid" : *e.exitCode == 1 ? "invalid" : "panic";
    if (*e.verdict != implied)
      w.fail("expect.verdict", "\"" + *e.verdict + "\" contradicts exitCode " + std::to_string(*e.exitCode));
  }
  if (e.minSteps && e.maxSteps && *e.minSteps > *e.maxSteps) w.fail("expect.minSteps", "is larger than maxSteps");
}

}  // namespace

Suite loadManifest(const std::string& path, const Variables& givenVars) {
  Bytes raw = readFile(path);
  Where top{path, ""};
  Json doc;
  try {
    doc = Json::parse(raw.begin(), raw.end());
  } catch (const Json::parse_error& e) {
    top.fail("", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) top.fail("", "must be a JSON object with a \"cases\" array");
  checkKeys(doc, {"suite", "defaults", "cases"}, top, "");
  std::string dir = std::filesystem::path(path).parent_path().string();
  Variables vars = givenVars;
  vars["MANIFEST_DIR"] = dir.empty() ? "." : dir;

  Suite suite;
  suite.path = path;
  suite.name = std::filesystem::path(path).stem().string();
  if (doc.contains("suite")) suite.name = str(doc["suite"], top, "suite", vars);
  Json defaults = Json::object();
  if (doc.contains("defaults")) {
    defaults = doc["defaults"];
    if (!defaults.is_object()) top.fail("defaults", "must be an object of case fields");
    if (defaults.contains("name")) top.fail("defaults.name", "a default cannot name a case");
    Where d{path, ""};
    checkKeys(defaults, kCaseFields, d, "defaults.");
  }
  if (!doc.contains("cases") || !doc["cases"].is_array()) top.fail("cases", "must be an array of cases");
  if (doc["cases"].empty()) top.fail("cases", "is empty");

  std::set<std::string> names;
  for (size_t i = 0; i < doc["cases"].size(); ++i) {
    const Json& raw = doc["cases"][i];
    Where w{path, "#" + std::to_string(i + 1)};
    if (!raw.is_object()) w.fail("", "must be an object");
    if (!raw.contains("name")) w.fail("name", "is missing");
    if (!raw["name"].is_string() || raw["name"].get<std::string>().empty()) w.fail("name", "must be a non-empty string");
    Case c;
    c.index = i;
    c.name = raw["name"].get<std::string>();
    w.caseName = c.name;
    if (!names.insert(c.name).second) w.fail("name", "is used by an earlier case");
    for (char ch : c.name)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.')
        w.fail("name", "may hold only letters, digits, '-', '_' and '.' (it names files and JUnit cases)");
    checkKeys(raw, kCaseFields, w, "");
    Json j = merged(defaults, raw);
    if (!j.contains("program")) w.fail("program", "is missing (an ELF or a state file)");
    c.program = pathField(j["program"], w, "program", vars, dir);
    if (j.contains("bootFile")) {
      std::string f = pathField(j["bootFile"], w, "bootFile", vars, dir);
      try {
        Bytes text = readFile(f);
        preimage::addLocalJson(c.boot, std::string(text.begin(), text.end()), f);
      } catch (const Error& e) {
        w.fail("bootFile", e.what());
      }
    }
    if (j.contains("boot")) parseBoot(j["boot"], c, w, vars);
    if (j.contains("preimages")) parsePreimages(j["preimages"], c, w, vars, dir);
    if (j.contains("stepLimit")) c.stepLimit = u64(j["stepLimit"], w, "stepLimit");
    if (j.contains("serverTimeoutMs")) c.serverTimeoutMs = u64(j["serverTimeoutMs"], w, "serverTimeoutMs");
    if (!j.contains("expect")) w.fail("expect", "is missing (exitCode or verdict at least)");
    parseExpect(j["expect"], c, w);
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace fpvm::testrunner
