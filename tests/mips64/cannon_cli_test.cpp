// `cannon load-elf|run|witness` end to end (fpvm invoked through its `cannon` symlink, decision
// 0014) on the C guests: prestate and meta.json, run to the end with the final state and exit
// code, proofs that the stateless verifier accepts with the post hash they name, snapshots that
// resume to the same final state, --stop-at, the pre-image stop conditions, op-challenger's exact
// argument list with a pre-image server subprocess, and the errors and exit codes of spec §10.1.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/metadata.hpp"
#include "mips64/proof_json.hpp"
#include "mips64/state_file.hpp"
#include "mips64/step_verifier.hpp"
#include "guest_path.hpp"

namespace fpvm::mips64 {
namespace {

using test::guestPath;

std::string cannonBinary() {
  const std::string fpvm = FPVM_TEST_FPVM;
  return fpvm.substr(0, fpvm.rfind('/') + 1) + "cannon";
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Result of one command line.
struct CliResult {
  int code = -1;
  std::string out, err;
};

/// A scratch folder with helpers to run the CLI inside it.
class CannonCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fpvm-cannon-cli-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!HasFailure()) (void)std::system(("rm -rf " + quote(dir_)).c_str());
    else std::fprintf(stderr, "kept %s\n", dir_.c_str());
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  /// Runs `binary args…` in the scratch folder.
  CliResult run(const std::vector<std::string>& args, const std::string& binary = cannonBinary()) {
    std::string cmd = "cd " + quote(dir_) + " && " + quote(binary);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " >" + quote(path(".stdout")) + " 2>" + quote(path(".stderr"));
    const int status = std::system(cmd.c_str());
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(path(".stdout"));
    r.err = slurp(path(".stderr"));
    return r;
  }
  static std::string slurp(const std::string& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  /// load-elf of a guest into prestate.bin.gz and meta.json.
  void loadGuest(const char* guest) {
    const CliResult r = run({"load-elf", "--type", "multithreaded64-5", "--path", guestPath(guest), "--out",
                       path("prestate.bin.gz"), "--meta", path("meta.json")});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  /// `witness --input state`, whose whole stdout must be one JSON value (op-challenger parses it so).
  nlohmann::json witnessOf(const std::string& state, CliResult* runOut = nullptr) {
    const CliResult r = run({"witness", "--input", state});
    if (runOut) *runOut = r;
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  std::string dir_;
};

/// Answers every key with "hello" (like test_preimage_server) and counts requests.
class HelloOracle final : public PreimageOracle {
 public:
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32&) override { return {'h', 'e', 'l', 'l', 'o'}; }
};

/// The in-process reference: the guest's initial state run to the end.
State referenceFinal(const char* guest, uint64_t maxSteps = 10'000'000) {
  State s = loadElf(readFile(guestPath(guest)));
  HelloOracle oracle;
  Interpreter interp(s, &oracle);
  while (!s.exited && s.step < maxSteps) {
    const StepOutcome o = interp.step();
    if (!o.ok()) throw Error(std::string("reference run reverted: ") + revertName(o.revert));
  }
  return s;
}

const Address kCaller = {0xCA, 0x11, 0xE4};

/// Checks a proof file with the stateless verifier: pre = H(state-data), the verifier's post hash
/// = the file's post.
void expectProofVerifies(const std::string& file, uint64_t step) {
  Bytes raw = readFile(file);
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".gz") == 0) raw = gzipDecompress(raw, file.c_str());
  const StepProof p = decodeProofJson(std::string(raw.begin(), raw.end()), file);
  EXPECT_EQ(p.step, step);
  EXPECT_EQ(p.pre, State::hashWitness(p.stateData)) << file;
  EXPECT_EQ(p.proofData.size(), 6090u);
  PreimagePartStore parts;
  Hash32 localContext;
  if (p.oracleKey) {
    ASSERT_GE(p.oracleValue.size(), 8u);
    parts.addForStep(*p.oracleKey, ByteView(p.oracleValue).subspan(8), kCaller, localContext);
  }
  const VerifyResult v = verifyStep(p.stateData, p.proofData, localContext, &parts, kCaller);
  ASSERT_TRUE(v.ok()) << file << ": " << revertName(v.revert);
  EXPECT_EQ(v.postHash, p.post) << file;
}

TEST_F(CannonCli, LoadElfRunWitnessHello) {
  REQUIRE_GUESTS();
  loadGuest("hello");
  // The prestate is load-elf's state, byte for byte; meta.json names main.
  State pre = readStateFile(path("prestate.bin.gz"));
  State expected = loadElf(readFile(guestPath("hello")));
  EXPECT_EQ(encodeState(pre), encodeState(expected));
  const Bytes metaText = readFile(path("meta.json"));
  const Metadata meta = Metadata::fromJson(std::string(metaText.begin(), metaText.end()), "meta.json");
  bool hasMain = false;
  for (const auto& s : meta.symbols()) hasMain = hasMain || s.name == "main";
  EXPECT_TRUE(hasMain);
  EXPECT_EQ(std::string(metaText.end() - 2, metaText.end()), "\n\n");

  CliResult r = run({"run", "--input", path("prestate.bin.gz"), "--output", path("final.bin"), "--meta", path("meta.json"),
               "--info-at", "%5000"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // logs go to stderr
  EXPECT_NE(r.err.find("msg=processing module=vm step=0 pc="), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("module=guest stream=stdout text=\"hello from mips64\\n\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("msg=\"Execution stopped\" module=vm exited=true code=0"), std::string::npos) << r.err;
  State final = readStateFile(path("final.bin"));
  State ref = referenceFinal("hello");
  EXPECT_TRUE(final.exited);
  EXPECT_EQ(final.exitCode, 0);
  EXPECT_EQ(final.hash(), ref.hash());
  EXPECT_EQ(encodeState(final), encodeState(ref));

  CliResult w;
  const nlohmann::json j = witnessOf(path("final.bin"), &w);
  EXPECT_EQ(j["stateVersion"], 8);
  EXPECT_EQ(j["witnessHash"], toHex(ref.hash()));
  EXPECT_EQ(j["step"], ref.step);
  EXPECT_EQ(j["exited"], true);
  EXPECT_EQ(j["exitCode"], 0);
  // --output writes the raw witness; `fpvm cannon witness` is the same command.
  ASSERT_EQ(run({"cannon", "witness", "--input", path("final.bin"), "--output", path("w.bin")}, FPVM_TEST_FPVM).code, 0);
  const Witness rw = ref.witness();
  EXPECT_EQ(readFile(path("w.bin")), Bytes(rw.begin(), rw.end()));
  EXPECT_EQ(slurp(path(".stdout")), w.out);
}

TEST_F(CannonCli, ThreadsExitCodeProofsAndSnapshots) {
  REQUIRE_GUESTS();
  loadGuest("threads");
  State ref = referenceFinal("threads");
  ASSERT_TRUE(ref.exited);
  // Proofs every 97 steps and snapshots every 500, gzip and plain names.
  ASSERT_EQ(::mkdir(path("proofs").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(path("snaps").c_str(), 0755), 0);
  const CliResult r = run({"run", "--input", path("prestate.bin.gz"), "--output", path("final.bin.gz"), "--meta", "",
                     "--proof-at", "%97", "--proof-fmt", path("proofs/%d.json"), "--snapshot-at", "%500",
                     "--snapshot-fmt", path("snaps/%d.bin.gz"), "--debug-info", path("debug.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  State final = readStateFile(path("final.bin.gz"));
  EXPECT_EQ(final.hash(), ref.hash());
  EXPECT_EQ(final.exitCode, ref.exitCode);
  int proofs = 0;
  for (uint64_t s = 0; s < ref.step; s += 97, ++proofs) expectProofVerifies(path("proofs/" + std::to_string(s) + ".json"), s);
  EXPECT_GT(proofs, 10);
  EXPECT_FALSE(fileExists(path("proofs/" + std::to_string((ref.step / 97 + 1) * 97) + ".json")));
  // Resume from each snapshot: the same final state.
  int resumed = 0;
  for (uint64_t s = 500; s < ref.step; s += 500, ++resumed) {
    const std::string snap = path("snaps/" + std::to_string(s) + ".bin.gz");
    ASSERT_TRUE(fileExists(snap)) << snap;
    EXPECT_EQ(readStateFile(snap).step, s);
    ASSERT_EQ(run({"run", "--input", snap, "--output", path("resumed.bin"), "--meta", ""}).code, 0);
    State back = readStateFile(path("resumed.bin"));
    EXPECT_EQ(back.hash(), ref.hash()) << "resumed from " << s;
  }
  EXPECT_GT(resumed, 0);
  const Bytes dbg = readFile(path("debug.json"));
  const auto d = nlohmann::json::parse(dbg.begin(), dbg.end());
  EXPECT_EQ(d["total_steps"], ref.step);
  EXPECT_EQ(d["pages"], ref.memory.pageCount());
  EXPECT_EQ(d["memory_used"], "0x" + [&] {
    char b[32];
    std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(ref.memory.pageCount() * 4096));
    return std::string(b);
  }());
  EXPECT_GT(d["rmw_success_count"].get<uint64_t>(), 0u);  // the workers' LL/SC increments
}

TEST_F(CannonCli, FastAndReferenceEnginesWriteTheSameFiles) {
  REQUIRE_GUESTS();
  loadGuest("threads");
  // The fast engine runs between the steps the patterns name; the reference steps every step.
  // Proofs, snapshots and the final state must be byte-identical (after decompression).
  for (const char* engine : {"fast", "reference"}) {
    const std::string d = std::string(engine);
    ASSERT_EQ(::mkdir(path(d).c_str(), 0755), 0);
    const CliResult r = run({"run", "--input", path("prestate.bin.gz"), "--output", path(d + "/final.bin"), "--meta", "",
                             "--proof-at", "%89", "--proof-fmt", path(d + "/%d.json"), "--snapshot-at", "%251",
                             "--snapshot-fmt", path(d + "/%d.bin"), "--info-at", "%1000", "--engine", engine});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  const State final = readStateFile(path("fast/final.bin"));
  EXPECT_EQ(readFile(path("fast/final.bin")), readFile(path("reference/final.bin")));
  int files = 0;
  for (uint64_t s = 0; s <= final.step; ++s) {
    for (const std::string& name : {std::to_string(s) + ".json", std::to_string(s) + ".bin"}) {
      const bool fast = fileExists(path("fast/" + name)), ref = fileExists(path("reference/" + name));
      ASSERT_EQ(fast, ref) << name;
      if (!fast) continue;
      EXPECT_EQ(readFile(path("fast/" + name)), readFile(path("reference/" + name))) << name;
      ++files;
    }
  }
  EXPECT_GT(files, 20);
  EXPECT_EQ(run({"run", "--input", path("prestate.bin.gz"), "--engine", "turbo"}).code, 1);
}

TEST_F(CannonCli, StopAtAndProofAtOneStep) {
  REQUIRE_GUESTS();
  loadGuest("hello");
  const uint64_t i = 1234;
  const CliResult r = run({"run", "--input", path("prestate.bin.gz"), "--output", path("out.bin"), "--meta", "",
                     "--proof-at", "=" + std::to_string(i), "--stop-at", "=" + std::to_string(i + 1), "--proof-fmt",
                     path("%d.json.gz")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("Reached stop at"), std::string::npos);
  State out = readStateFile(path("out.bin"));
  EXPECT_EQ(out.step, i + 1);
  EXPECT_FALSE(out.exited);
  expectProofVerifies(path(std::to_string(i) + ".json.gz"), i);
  const Bytes raw = gzipDecompress(readFile(path(std::to_string(i) + ".json.gz")), "proof");
  const StepProof p = decodeProofJson(std::string(raw.begin(), raw.end()), "proof");
  EXPECT_EQ(p.post, out.hash());  // the proof's post-state is the stopped state
  // Stop at 0: nothing executed, the input is written back unchanged; 0x/octal/_ numbers as Go.
  ASSERT_EQ(run({"run", "--input", path("prestate.bin.gz"), "--output", path("same.bin"), "--meta", "", "--stop-at", "=0"}).code, 0);
  EXPECT_EQ(readFile(path("same.bin")), gzipDecompress(readFile(path("prestate.bin.gz")), "pre"));
  ASSERT_EQ(run({"run", "--input", path("prestate.bin.gz"), "--output", path("hex.bin"), "--meta", "", "--stop-at", "=0x1_0"}).code, 0);
  EXPECT_EQ(readStateFile(path("hex.bin")).step, 16u);
}

TEST_F(CannonCli, OpChallengerArgumentListWithServer) {
  REQUIRE_GUESTS();
  loadGuest("preimage");
  // The first step that reads the pre-image (in-process reference).
  State s = loadElf(readFile(guestPath("preimage")));
  HelloOracle oracle;
  Interpreter interp(s, &oracle);
  uint64_t readStep = 0;
  while (!s.exited) {
    const uint64_t step = s.step;
    const StepOutcome o = interp.step();
    ASSERT_TRUE(o.ok());
    if (o.preimageRead && readStep == 0) readStep = step;
  }
  ASSERT_GT(readStep, 0u);
  const uint64_t lastStep = s.step;
  const std::string game = path("game");
  const std::string server = TEST_PREIMAGE_SERVER;
  // op-challenger's vm.Executor.DoGenerateProof (binary snapshots, debug info on), then its
  // OracleCommand after "--".
  auto generate = [&](const std::string& start, uint64_t at) {
    for (const char* d : {"", "/snapshots", "/proofs", "/preimages"}) ::mkdir((game + d).c_str(), 0755);
    std::vector<std::string> args = {"run",
                                     "--input", start,
                                     "--output", game + "/final.bin.gz",
                                     "--meta", "",
                                     "--info-at", "%10000000",
                                     "--proof-at", "=" + std::to_string(at),
                                     "--proof-fmt", game + "/proofs/%d.json.gz",
                                     "--snapshot-at", "%50",
                                     "--snapshot-fmt", game + "/snapshots/%d.bin.gz",
                                     "--stop-at", "=" + std::to_string(at + 1),
                                     "--debug-info", game + "/preimages/debug-info.json",
                                     "--",
                                     server, "--server", "--datadir", game + "/preimages"};
    return run(args);
  };
  const CliResult r = generate(path("prestate.bin.gz"), readStep);
  ASSERT_EQ(r.code, 0) << r.err;
  // The proof as op-challenger decodes it (utils.ProofData).
  const std::string proofFile = game + "/proofs/" + std::to_string(readStep) + ".json.gz";
  const Bytes raw = gzipDecompress(readFile(proofFile), "proof");
  const auto j = nlohmann::json::parse(raw.begin(), raw.end());
  for (const char* key : {"post", "state-data", "proof-data", "oracle-key", "oracle-value"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j[key].get<std::string>().rfind("0x", 0), 0u);
  }
  EXPECT_EQ(j["oracle-key"].get<std::string>().substr(0, 4), "0x01");  // a local key
  EXPECT_EQ(j["oracle-value"], "0x000000000000000568656c6c6f");       // BE64(5) ‖ "hello"
  EXPECT_LE(j.value("oracle-offset", uint64_t(0)), 0xffffffffu);       // read as uint32
  expectProofVerifies(proofFile, readStep);
  const nlohmann::json w = witnessOf(game + "/final.bin.gz");
  EXPECT_EQ(w["step"], readStep + 1);
  EXPECT_EQ(w["witnessHash"], j["post"]);
  const Bytes dbg = readFile(game + "/preimages/debug-info.json");
  EXPECT_EQ(nlohmann::json::parse(dbg.begin(), dbg.end())["num_preimage_requests"], 1);

  // Beyond the end of the trace: op-challenger restarts from its highest snapshot below the
  // index, gets no proof file, and reads the final state through `witness`.
  const uint64_t beyond = lastStep + 500;
  uint64_t best = 0;
  for (uint64_t k = 50; k < beyond; k += 50)
    if (fileExists(game + "/snapshots/" + std::to_string(k) + ".bin.gz")) best = k;
  ASSERT_GT(best, 0u);
  const CliResult r2 = generate(game + "/snapshots/" + std::to_string(best) + ".bin.gz", beyond);
  ASSERT_EQ(r2.code, 0) << r2.err;
  EXPECT_FALSE(fileExists(game + "/proofs/" + std::to_string(beyond) + ".json.gz"));
  const nlohmann::json end = witnessOf(game + "/final.bin.gz");
  EXPECT_EQ(end["exited"], true);
  EXPECT_EQ(end["exitCode"], 0);
  EXPECT_EQ(end["step"], lastStep);
  EXPECT_EQ(end["witnessHash"], toHex(s.hash()));
}

TEST_F(CannonCli, StopAtPreimage) {
  REQUIRE_GUESTS();
  loadGuest("preimage");
  const std::string server = TEST_PREIMAGE_SERVER;
  for (const std::vector<std::string>& stop : std::vector<std::vector<std::string>>{
           {"--stop-at-preimage-type", "any"},
           {"--stop-at-preimage-type", "local"},
           {"--stop-at-preimage", "0x01"},
           {"--stop-at-preimage", "01@0@5"},
           {"--stop-at-preimage-larger-than", "12"}}) {
    std::vector<std::string> args = {"run", "--input", path("prestate.bin.gz"), "--output", path("stop.bin"), "--meta", ""};
    args.insert(args.end(), stop.begin(), stop.end());
    args.insert(args.end(), {"--", server});
    const CliResult r = run(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("Stopping at preimage read"), std::string::npos) << stop[0];
    const State st = readStateFile(path("stop.bin"));
    EXPECT_FALSE(st.exited) << stop[0];
  }
  // Conditions that never hold: the run goes to the end. larger-than 13 (the value is 13 bytes),
  // another key type, an offset never read, a minimum step after the reads; the key condition
  // wins over the type flag.
  for (const std::vector<std::string>& stop : std::vector<std::vector<std::string>>{
           {"--stop-at-preimage-larger-than", "13"},
           {"--stop-at-preimage-type", "keccak"},
           {"--stop-at-preimage", "0x01@3"},
           {"--stop-at-preimage", "0x01@0@100000"},
           {"--stop-at-preimage", "0x02", "--stop-at-preimage-type", "any"}}) {
    std::vector<std::string> args = {"run", "--input", path("prestate.bin.gz"), "--output", path("stop.bin"), "--meta", ""};
    args.insert(args.end(), stop.begin(), stop.end());
    args.insert(args.end(), {"--", server});
    const CliResult r = run(args);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(readStateFile(path("stop.bin")).exited) << stop[1];
  }
  const CliResult bad = run({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--stop-at-preimage", "01@2@3@4"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("invalid stop-at-preimage"), std::string::npos) << bad.err;
}

TEST_F(CannonCli, GuestExitCodeIsNotAnError) {
  // li v0, 5205 (exit_group); li a0, 3; syscall — three steps, exit code 3 (status Panic).
  State s = State::createInitial(0x1000, 0x1000'0000'0000);
  s.memory.storeWord(0x1000, 0x24021455'24040003);
  s.memory.storeWord(0x1008, 0x0000000c'00000000);
  writeStateFile(s, path("exit3.bin"));
  const CliResult r = run({"run", "--input", path("exit3.bin"), "--output", path("out.bin"), "--meta", ""});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("exited=true code=3"), std::string::npos) << r.err;
  const nlohmann::json w = witnessOf(path("out.bin"));
  EXPECT_EQ(w["step"], 3);
  EXPECT_EQ(w["exited"], true);
  EXPECT_EQ(w["exitCode"], 3);
  EXPECT_EQ(w["witnessHash"].get<std::string>().substr(0, 4), "0x02");  // VM status Panic
  // Running an exited state again changes nothing.
  ASSERT_EQ(run({"run", "--input", path("out.bin"), "--output", path("again.bin"), "--meta", ""}).code, 0);
  EXPECT_EQ(readFile(path("again.bin")), readFile(path("out.bin")));
}

TEST_F(CannonCli, InterruptedRunExits130) {
  // beq $0, $0, -1 with a nop in its delay slot: a loop that never ends.
  State s = State::createInitial(0x1000, 0x1000'0000'0000);
  s.memory.storeWord(0x1000, 0x1000ffff'00000000);
  writeStateFile(s, path("loop.bin"));
  for (const char* sig : {"INT", "TERM"}) {
    // The signal goes out once the process catches both signals (SigCgt bits 1 and 14): a
    // background job of a non-interactive shell starts with SIGINT ignored, so a SIGINT sent
    // before main() installs its handler would be lost and the loop would never end.
    const std::string script = "cd " + quote(dir_) + " && { " + quote(cannonBinary()) + " run --input loop.bin --output out.bin --meta '' " +
                               ">int.out 2>int.err & pid=$!; for i in $(seq 200); do "
                               "m=$(awk '/^SigCgt/{print $2}' /proc/$pid/status 2>/dev/null); "
                               "[ -n \"$m\" ] && [ $((0x$m & 0x4002)) -eq $((0x4002)) ] && break; sleep 0.05; done; "
                               "kill -" + sig + " $pid; wait $pid; echo $? >int.rc; }";
    ASSERT_EQ(std::system(script.c_str()), 0);
    EXPECT_EQ(slurp(path("int.rc")), "130\n") << sig;
    EXPECT_EQ(slurp(path("int.out")), "") << sig;  // no Asterisc-style "Exiting..." notice
    const std::string err = slurp(path("int.err"));
    EXPECT_EQ(err.substr(err.size() - std::min<size_t>(err.size(), 19)), "command interrupted") << err;
    EXPECT_FALSE(fileExists(path("out.bin"))) << sig;
  }
}

TEST_F(CannonCli, ServerGetsNoColorAndItsArguments) {
  REQUIRE_GUESTS();
  loadGuest("hello");
  // The server sees NO_COLOR=1 first in its environment and the arguments after "--" untouched.
  const CliResult r = run({"run", "--input", path("prestate.bin.gz"), "--output", "", "--meta", "", "--", "sh", "-c",
                           "printf '%s|%s' \"$NO_COLOR\" \"$1\" > env.txt", "sh", "--flag=a b"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(path("env.txt")), "1|--flag=a b");
}

TEST_F(CannonCli, ErrorsAndExitCodes) {
  REQUIRE_GUESTS();
  loadGuest("hello");
  auto expectError = [&](const std::vector<std::string>& args, const std::string& needle, int code = 1) {
    const CliResult r = run(args);
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    if (code == 1) {  // log lines may come first; the error is the last line, without a newline
      const size_t at = r.err.find("error: ");
      ASSERT_NE(at, std::string::npos) << r.err;
      EXPECT_TRUE(at == 0 || r.err[at - 1] == '\n') << r.err;
      EXPECT_EQ(r.err.find('\n', at), std::string::npos) << r.err;
    }
  };
  expectError({"load-elf", "--type", "multithreaded64-4", "--path", guestPath("hello")}, "unsupported state version: 7");
  expectError({"load-elf", "--type", "mt", "--path", guestPath("hello")}, "unknown state version");
  expectError({"load-elf", "--type", "multithreaded64-5", "--path", path("nope.elf")}, "failed to open ELF file");
  // No symbol table: load-elf fails like Cannon (after reading the program, before writing).
  const std::string stripped = path("stripped.elf");
  if (std::system(("mips64-linux-gnuabi64-strip -o " + quote(stripped) + " " + quote(guestPath("hello")) + " 2>/dev/null").c_str()) == 0) {
    expectError({"load-elf", "--type", "multithreaded64-5", "--path", stripped, "--out", path("s.bin"), "--meta", path("m.json")},
                "failed to compute program metadata: failed to load symbols table: no symbol section");
    EXPECT_FALSE(fileExists(path("s.bin")));
  }
  expectError({"load-elf", "--type", "multithreaded64-5", "--path", guestPath("hello"), "--out", path("s.json"), "--meta", ""},
              "json not supported");
  // Version dispatch: anything but 8 is refused by name.
  Bytes v7 = encodeState(State::createEmpty());
  v7[0] = 7;
  writeFileAtomic(path("v7.bin"), v7);
  expectError({"run", "--input", path("v7.bin"), "--meta", ""}, "unsupported state version 7 (multithreaded64-4)");
  expectError({"witness", "--input", path("v7.bin")}, "unsupported state version 7");
  expectError({"run", "--input", path("state.json"), "--meta", ""}, "does not exist");
  writeFileAtomic(path("state.json"), Bytes{'{', '}'});
  expectError({"run", "--input", path("state.json"), "--meta", ""}, "version 0 (singlethreaded)");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--output", path("o.json")},
              "invalid --output file format");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--snapshot-fmt", path("%d.json")},
              "invalid --snapshot-fmt file format");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--stop-at", "=x"}, "--stop-at");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--stop-at-preimage-type", "foo"},
              "invalid preimage type \"foo\"");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--proof-at", "=3", "--proof-fmt", path("no/%d.json")},
              "failed to write proof data");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--snapshot-at", "=3", "--snapshot-fmt", path("no/%d.bin")},
              "failed to write state snapshot");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--output", path("no/out.bin")},
              "failed to write state output");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--pprof.cpu"}, "--pprof.cpu is not supported");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", "", "--debug"}, "cannot enable debug mode without a metadata file");
  expectError({"run", "--input", path("prestate.bin.gz"), "--meta", path("missing.json")}, "failed to load metadata");
  // An invalid step (a zero-length program: pc at an unaligned address) panics without a
  // server (exit 2) and is an error with one (exit 1).
  State bad = State::createInitial(0x1002, 0);
  writeStateFile(bad, path("bad.bin"));
  const CliResult p = run({"run", "--input", path("bad.bin"), "--meta", ""});
  EXPECT_EQ(p.code, 2) << p.err;
  EXPECT_NE(p.err.find("panic: failed at step 0 (PC: 00001002): InvalidPC()"), std::string::npos) << p.err;
  expectError({"run", "--input", path("bad.bin"), "--meta", "", "--", TEST_PREIMAGE_SERVER},
              "failed at step 0 (PC: 00001002): InvalidPC()");
  // --debug prints a traceback on stdout at the end.
  const CliResult d = run({"run", "--input", path("prestate.bin.gz"), "--meta", path("meta.json"), "--debug", "--output", ""});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out.rfind("traceback at pc=", 0), 0u) << d.out;
}

}  // namespace
}  // namespace fpvm::mips64
