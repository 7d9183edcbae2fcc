// `fpvm profile` end to end: in exact mode the self steps add up to exactly the steps `fpvm run`
// (or a fast-engine run) takes, on RISC-V C, MIPS64 C and Go; the known program's hot function
// comes first; sampling agrees with exact mode on it; the folded stacks and flame graph are
// consistent; bad input fails with a clear error and exit code 1.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

const std::string kFpvm = FPVM_TEST_FPVM;

struct Result {
  int code = -1;
  std::string out, err;
};

std::string work(const std::string& name) {
  std::filesystem::create_directories(FPVM_PROFILE_WORK);
  return std::string(FPVM_PROFILE_WORK) + "/" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `fpvm ARGS`, capturing stdout and stderr.
Result fpvm(const std::string& args, const std::string& tag) {
  const std::string out = work(tag + ".stdout"), err = work(tag + ".stderr");
  const int status = std::system((kFpvm + " " + args + " >" + out + " 2>" + err).c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// The JSON profile of `fpvm profile ARGS --json …`.
nlohmann::json profileJson(const std::string& args, const std::string& tag) {
  const std::string json = work(tag + ".json");
  std::filesystem::remove(json);
  const Result r = fpvm("profile " + args + " --json " + json, tag);
  EXPECT_EQ(r.code, 0) << r.err << r.out;
  if (r.code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(slurp(json));
}

uint64_t selfSum(const nlohmann::json& j) {
  uint64_t sum = 0;
  for (const auto& f : j["functions"]) sum += f["self"].get<uint64_t>();
  return sum;
}

uint64_t selfOf(const nlohmann::json& j, const std::string& name) {
  for (const auto& f : j["functions"])
    if (f["name"] == name) return f["self"].get<uint64_t>();
  return 0;
}

/// The steps `fpvm run` takes on the RISC-V program `elf`, through load-elf's prestate.
uint64_t runSteps(const std::string& elf, const std::string& tag) {
  const std::string pre = work(tag + "-pre.bin.gz"), meta = work(tag + "-meta.json"), fin = work(tag + "-final.json");
  Result r = fpvm("load-elf --path " + elf + " --out " + pre + " --meta " + meta, tag + "-load");
  EXPECT_EQ(r.code, 0) << r.err;
  r = fpvm("run --input " + pre + " --meta " + meta + " --output " + fin + " --info-at never", tag + "-run");
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(slurp(fin))["step"].get<uint64_t>();
}

#ifdef FPVM_PROFILE_HOT_RISCV
const std::string kHotRiscv = FPVM_PROFILE_HOT_RISCV;
#define REQUIRE_RISCV() (void)0
#else
const std::string kHotRiscv;
#define REQUIRE_RISCV() GTEST_SKIP() << "SKIPPED: riscv64-unknown-elf-gcc not found"
#endif

TEST(ProfileCli, ExactSelfStepsSumToTheRunsSteps) {
  REQUIRE_RISCV();
  const uint64_t steps = runSteps(kHotRiscv, "rv-run");
  ASSERT_GT(steps, 100000u);
  const nlohmann::json j = profileJson("--exact --input " + kHotRiscv, "rv-exact");
  EXPECT_EQ(selfSum(j), steps);
  EXPECT_EQ(j["steps"].get<uint64_t>(), steps);
  EXPECT_EQ(j["lastStep"].get<uint64_t>() - j["firstStep"].get<uint64_t>(), steps);
  EXPECT_EQ(j["samples"].get<uint64_t>(), steps);
  EXPECT_TRUE(j["exact"].get<bool>());
  // The hot function first, with most of the steps; its callers on its stacks.
  ASSERT_FALSE(j["functions"].empty());
  EXPECT_EQ(j["functions"][0]["name"], "hot");
  EXPECT_GT(selfOf(j, "hot") * 10, steps * 8);
  bool hotUnderMiddle = false;
  for (const auto& s : j["stacks"]) {
    const auto& f = s["frames"];
    const size_t n = f.size();
    if (n >= 3 && f[n - 1] == "hot" && f[n - 2] == "middle" && f[n - 3] == "main") hotUnderMiddle = true;
  }
  EXPECT_TRUE(hotUnderMiddle) << j["stacks"].dump();
}

TEST(ProfileCli, StateFileWithMetaGivesTheSameProfile) {
  REQUIRE_RISCV();
  const std::string pre = work("rv-state-pre.bin.gz"), meta = work("rv-state-meta.json");
  ASSERT_EQ(fpvm("load-elf --path " + kHotRiscv + " --out " + pre + " --meta " + meta, "rv-state-load").code, 0);
  const nlohmann::json fromState = profileJson("--exact --input " + pre + " --meta " + meta, "rv-state");
  const nlohmann::json fromElf = profileJson("--exact --input " + kHotRiscv, "rv-state-elf");
  // meta.json and the ELF may name a few runtime ranges differently; the program's own do not.
  EXPECT_EQ(fromState["steps"], fromElf["steps"]);
  for (const char* fn : {"hot", "warm", "middle"}) EXPECT_EQ(selfOf(fromState, fn), selfOf(fromElf, fn)) << fn;
  EXPECT_EQ(fromState["functions"][0]["name"], "hot");
}

TEST(ProfileCli, SamplingAgreesWithExactOnTheHotFunction) {
  REQUIRE_RISCV();
  const nlohmann::json exact = profileJson("--exact --input " + kHotRiscv, "rv-cmp-exact");
  const nlohmann::json sampled = profileJson("--period 997 --input " + kHotRiscv, "rv-cmp-sampled");
  const double total = static_cast<double>(exact["steps"].get<uint64_t>());
  EXPECT_EQ(sampled["steps"], exact["steps"]);  // each sample weighted by its interval
  EXPECT_FALSE(sampled["exact"].get<bool>());
  EXPECT_EQ(sampled["functions"][0]["name"], "hot");
  const double e = static_cast<double>(selfOf(exact, "hot")) / total, s = static_cast<double>(selfOf(sampled, "hot")) / total;
  EXPECT_NEAR(s, e, 0.03) << "hot: exact " << e << ", sampled " << s;
}

TEST(ProfileCli, TableFoldedStacksAndFlameGraph) {
  REQUIRE_RISCV();
  const std::string folded = work("rv-out.folded"), svg = work("rv-out.svg");
  const Result r = fpvm("profile --period 1000 --top 3 --input " + kHotRiscv + " --folded " + folded + " --svg " + svg, "rv-out");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("total steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("one every 1,000 steps: counts are estimates"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unwinding       "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Top 3 of "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("call stacks"), std::string::npos) << r.out;
  const std::string f = slurp(folded);
  EXPECT_NE(f.find("main;middle;hot "), std::string::npos) << f;
  if (std::system("python3 -c 'import xml.etree.ElementTree' 2>/dev/null") != 0) GTEST_SKIP() << "SKIPPED: no python3";
  const std::string cmd = std::string("python3 ") + FPVM_PROFILE_CHECK_SVG + " " + svg + " --folded " + folded;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(ProfileCli, StopAt) {
  REQUIRE_RISCV();
  const nlohmann::json j = profileJson("--period 100 --stop-at 5000 --input " + kHotRiscv, "rv-stop");
  EXPECT_EQ(j["lastStep"].get<uint64_t>(), 5000u);
  EXPECT_EQ(selfSum(j), 5000u);
  EXPECT_EQ(j["ending"], "stopped at --stop-at");
}

#ifdef FPVM_PROFILE_HOT_MIPS64
TEST(ProfileCli, Mips64ExactMatchesAFastRun) {
  const std::string elf = FPVM_PROFILE_HOT_MIPS64;
  const nlohmann::json exact = profileJson("--exact --input " + elf, "mips-exact");
  const nlohmann::json fast = profileJson("--period 1000000000 --input " + elf, "mips-fast");
  EXPECT_EQ(exact["isa"], "mips64");
  EXPECT_GT(exact["steps"].get<uint64_t>(), 100000u);
  EXPECT_EQ(selfSum(exact), fast["lastStep"].get<uint64_t>() - fast["firstStep"].get<uint64_t>());
  EXPECT_EQ(exact["functions"][0]["name"], "hot");
  const nlohmann::json sampled = profileJson("--period 997 --input " + elf, "mips-sampled");
  const double total = static_cast<double>(exact["steps"].get<uint64_t>());
  EXPECT_NEAR(static_cast<double>(selfOf(sampled, "hot")) / total, static_cast<double>(selfOf(exact, "hot")) / total, 0.03);
}
#endif

#ifdef FPVM_PROFILE_HOT_MIPS64
TEST(ProfileCli, Mips64StateFileWithMeta) {
  const std::string elf = FPVM_PROFILE_HOT_MIPS64, state = work("mips-state.bin.gz"), meta = work("mips-meta.json");
  ASSERT_EQ(
      fpvm("cannon load-elf --type multithreaded64-5 --path " + elf + " --out " + state + " --meta " + meta, "mips-load").code,
      0);
  const nlohmann::json fromState = profileJson("--exact --input " + state + " --meta " + meta, "mips-state");
  const nlohmann::json fromElf = profileJson("--exact --input " + elf, "mips-state-elf");
  EXPECT_EQ(fromState["isa"], "mips64");
  EXPECT_EQ(fromState["steps"], fromElf["steps"]);
  EXPECT_EQ(selfOf(fromState, "hot"), selfOf(fromElf, "hot"));
  EXPECT_EQ(fromState["functions"][0]["name"], "hot");
}
#endif

#ifdef FPVM_PROFILE_GO
TEST(ProfileCli, GoExactMatchesAFastRun) {
  const std::string elf = FPVM_PROFILE_GO;
  if (!std::filesystem::exists(elf)) GTEST_SKIP() << "SKIPPED: " << elf << " was not built";
  const nlohmann::json exact = profileJson("--exact --input " + elf, "go-exact");
  const nlohmann::json fast = profileJson("--period 1000000000 --input " + elf, "go-fast");
  EXPECT_EQ(selfSum(exact), fast["lastStep"].get<uint64_t>() - fast["firstStep"].get<uint64_t>());
  EXPECT_EQ(exact["ending"], "exited with code 4 (panic)");
  bool underMain = false;  // Go tables: user code is found under runtime.main
  for (const auto& s : exact["stacks"]) {
    for (size_t i = 0; i + 1 < s["frames"].size(); ++i)
      if (s["frames"][i] == "runtime.main" && s["frames"][i + 1] == "main.main") underMain = true;
  }
  EXPECT_TRUE(underMain);
}
#endif

TEST(ProfileCli, MissingProgram) {
  const Result r = fpvm("profile --input " + work("no-such-program.elf"), "err-missing");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot open program"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-program.elf"), std::string::npos) << r.err;
}

TEST(ProfileCli, BadPeriod) {
  Result r = fpvm("profile --period 0 --input x.elf", "err-period0");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("invalid --period 0"), std::string::npos) << r.err;
  r = fpvm("profile --period ten --input x.elf", "err-period-text");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("period"), std::string::npos) << r.err;
  r = fpvm("profile --exact --period 10 --input x.elf", "err-exact-period");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--exact and --period"), std::string::npos) << r.err;
}

TEST(ProfileCli, UnwritableOutputFailsBeforeRunning) {
  const Result r = fpvm("profile --input x.elf --svg /nonexistent-folder/x.svg", "err-unwritable");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot write --svg /nonexistent-folder/x.svg"), std::string::npos) << r.err;
}

TEST(ProfileCli, StateFileNeedsMeta) {
  REQUIRE_RISCV();
  const std::string pre = work("nometa-pre.bin.gz");
  ASSERT_EQ(fpvm("load-elf --path " + kHotRiscv + " --out " + pre + " --meta " + work("nometa-meta.json"), "nometa-load").code,
            0);
  const Result r = fpvm("profile --input " + pre, "err-nometa");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--meta"), std::string::npos) << r.err;
}

TEST(ProfileCli, NotAProgram) {
  const std::string junk = work("junk.bin");
  std::ofstream(junk) << "not a program";
  const Result r = fpvm("profile --input " + junk + " --meta " + junk, "err-junk");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error: "), std::string::npos) << r.err;
}

}  // namespace
