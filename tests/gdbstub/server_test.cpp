// The protocol session without a socket: replies to the packets gdb sends, on both machines.
#include "gdbstub/server.hpp"

#include <gtest/gtest.h>

#include "common/hex.hpp"
#include "gdbstub/registers.hpp"
#include "gdbstub/test_programs.hpp"

namespace fpvm::gdbstub {
namespace {

/// A channel that records what the server writes and never has input.
class FakeChannel final : public Channel {
 public:
  std::string read(int timeoutMs) override {
    (void)timeoutMs;
    return {};
  }
  void write(const std::string& bytes) override { written += bytes; }
  bool closed() const override { return false; }
  std::string written;
};

/// The console text in the 'O' packets written so far (then cleared).
std::string consoleText(FakeChannel& ch) {
  std::string text;
  PacketReader r;
  r.feed(ch.written);
  ch.written.clear();
  while (auto in = r.next())
    if (in->kind == Incoming::Kind::Packet && !in->payload.empty() && in->payload[0] == 'O')
      text += hexDecode(in->payload.substr(1)).value_or("?");
  return text;
}

/// target.xml read in small qXfer chunks, as gdb may.
std::string readTargetXml(GdbServer& s) {
  std::string xml;
  for (size_t off = 0;;) {
    char req[64];
    std::snprintf(req, sizeof req, "qXfer:features:read:target.xml:%zx,100", off);
    const std::string reply = s.handle(req);
    EXPECT_FALSE(reply.empty());
    if (reply.empty()) return xml;
    const std::string part = unescapeBinary(reply.substr(1));
    xml += part;
    off += part.size();
    if (reply[0] == 'l') return xml;
  }
}

TEST(Server, RiscvSession) {
  const std::string path = test::riscvDemo();
  REQUIRE_PROGRAM(path);
  Controller c(test::loadElf(path), nullptr, nullptr);
  FakeChannel ch;
  GdbServer s(c, ch);
  const std::string supported = s.handle("qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
  EXPECT_NE(supported.find("qXfer:features:read+"), std::string::npos);
  EXPECT_NE(supported.find("ReverseStep+"), std::string::npos);
  EXPECT_NE(supported.find("ReverseContinue+"), std::string::npos);
  EXPECT_NE(supported.find("QStartNoAckMode+"), std::string::npos);
  EXPECT_EQ(s.handle("QStartNoAckMode"), "OK");
  const std::string xml = readTargetXml(s);
  EXPECT_EQ(xml, targetXml(core::Isa::Riscv64));
  EXPECT_NE(xml.find("riscv:rv64"), std::string::npos);
  EXPECT_EQ(s.handle("?"), "T05thread:1;");
  EXPECT_EQ(s.handle("qC"), "QC1");
  EXPECT_EQ(s.handle("qfThreadInfo"), "m1");
  EXPECT_EQ(s.handle("qsThreadInfo"), "l");
  EXPECT_EQ(s.handle("qAttached"), "1");
  EXPECT_EQ(s.handle("Hg0"), "OK");
  EXPECT_EQ(s.handle("T1"), "OK");
  EXPECT_EQ(s.handle("T2"), "E01");

  // Registers: 33 little-endian 64-bit values; pc is register 32.
  const std::string g = s.handle("g");
  EXPECT_EQ(g.size(), 33u * 16);
  const uint64_t pc = c.machine().pc();
  std::string pcLe;
  for (int i = 0; i < 8; ++i) pcLe += hexEncode(std::string(1, static_cast<char>(pc >> (8 * i))));
  EXPECT_EQ(s.handle("p20"), pcLe);
  EXPECT_EQ(g.substr(32 * 16), pcLe);
  EXPECT_EQ(s.handle("p21"), "E01");

  // Memory: the guest's bytes.
  uint8_t word[8];
  c.machine().readMemory(pc, word, sizeof word);
  char req[64];
  std::snprintf(req, sizeof req, "m%llx,8", static_cast<unsigned long long>(pc));
  EXPECT_EQ(s.handle(req), hexEncode(std::string(reinterpret_cast<const char*>(word), 8)));

  // Writes are refused: the state must stay the hash-committed one.
  const std::string hashBefore = toHex(c.machine().stateHash());
  EXPECT_EQ(s.handle("P20=0000000000000000"), "E01");
  EXPECT_EQ(s.handle("G" + std::string(g.size(), '0')), "E01");
  EXPECT_EQ(s.handle("M" + std::string(req + 1) + ":0000000000000000"), "E01");
  EXPECT_EQ(s.handle("X0,0:"), "E01");
  EXPECT_EQ(toHex(c.machine().stateHash()), hashBefore);

  // A breakpoint and a continue, a step, a reverse step.
  const uint64_t accumulate = test::symbolAddress(path, "accumulate");
  std::snprintf(req, sizeof req, "Z0,%llx,4", static_cast<unsigned long long>(accumulate));
  EXPECT_EQ(s.handle(req), "OK");
  EXPECT_EQ(s.handle("vCont?"), "vCont;c;C;s;S");
  EXPECT_EQ(s.handle("vCont;c"), "T05thread:1;");
  EXPECT_EQ(c.machine().pc(), accumulate);
  const uint64_t hitStep = c.machine().step();
  EXPECT_EQ(s.handle("vCont;s:1"), "T05thread:1;");
  EXPECT_EQ(c.machine().step(), hitStep + 1);
  EXPECT_EQ(s.handle("bs"), "T05thread:1;");
  EXPECT_EQ(c.machine().step(), hitStep);
  req[0] = 'z';
  EXPECT_EQ(s.handle(req), "OK");

  // Monitor commands print on the console.
  ch.written.clear();
  EXPECT_EQ(s.handle("qRcmd," + hexEncode("step")), "OK");
  EXPECT_EQ(consoleText(ch), std::to_string(hitStep) + "\n");
  EXPECT_EQ(s.handle("qRcmd," + hexEncode("hash")), "OK");
  EXPECT_EQ(consoleText(ch), toHex(c.machine().stateHash()) + "\n");
  EXPECT_EQ(s.handle("qRcmd," + hexEncode("goto 10")), "OK");
  EXPECT_EQ(consoleText(ch), "step 10\n");
  EXPECT_EQ(toHex(c.machine().stateHash()), toHex(test::forwardHash(path, 10)));
  EXPECT_EQ(s.handle("qRcmd," + hexEncode("goto x")), "E01");
  EXPECT_NE(consoleText(ch).find("not a step number"), std::string::npos);
  EXPECT_EQ(s.handle("qRcmd," + hexEncode("frobnicate")), "E01");
  EXPECT_NE(consoleText(ch).find("unknown monitor command"), std::string::npos);

  // Without breakpoints a continue runs to the exit; bc then goes back to the beginning.
  EXPECT_EQ(s.handle("c"), "W00");
  EXPECT_EQ(s.handle("bc"), "T05thread:1;replaylog:begin;");
  EXPECT_EQ(c.machine().step(), 0u);
  EXPECT_EQ(s.handle("qTStatus"), "");
  EXPECT_FALSE(s.ended());
  EXPECT_EQ(s.handle("D"), "OK");
  EXPECT_TRUE(s.ended());
}

TEST(Server, Mips64RegistersAndThreads) {
  const std::string path = test::mips64Guest("threads");
  REQUIRE_PROGRAM(path);
  Controller c(test::loadElf(path), nullptr, nullptr);
  FakeChannel ch;
  GdbServer s(c, ch);
  const std::string xml = readTargetXml(s);
  EXPECT_NE(xml.find("mips:isa64"), std::string::npos);
  EXPECT_NE(xml.find("org.gnu.gdb.mips.fpu"), std::string::npos);
  const std::string g = s.handle("g");
  EXPECT_EQ(g.size(), 72u * 16);
  // Big-endian pc at register 37 (0x25).
  char pcBe[17];
  std::snprintf(pcBe, sizeof pcBe, "%016llx", static_cast<unsigned long long>(c.machine().pc()));
  EXPECT_EQ(s.handle("p25"), pcBe);
  EXPECT_EQ(s.handle("p26"), std::string(16, 'x'));  // f0: no FPU
  // Run until the program has more than one thread.
  for (int i = 0; i < 200 && c.machine().threads().size() < 2; ++i)
    ASSERT_EQ(c.gotoStep(c.machine().step() + 1000, {}).kind, StopEvent::Kind::Stepped);
  const auto threads = c.machine().threads();
  ASSERT_GE(threads.size(), 2u);
  std::string list = "m";
  for (const auto& t : threads) list += (list.size() > 1 ? "," : "") + std::to_string(t.threadId + 1);
  if (threads.size() < 10) {
    EXPECT_EQ(s.handle("qfThreadInfo"), list);
  }
  EXPECT_EQ(s.handle("qC"), "QC" + std::to_string(threads[0].threadId + 1));
  // Hg selects another thread's registers.
  const auto& other = threads[1];
  EXPECT_EQ(s.handle("Hg" + std::to_string(other.threadId + 1)), "OK");
  std::snprintf(pcBe, sizeof pcBe, "%016llx", static_cast<unsigned long long>(other.pc));
  EXPECT_EQ(s.handle("p25"), pcBe);
}

}  // namespace
}  // namespace fpvm::gdbstub
