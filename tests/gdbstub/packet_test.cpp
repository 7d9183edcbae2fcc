// Packet framing of the GDB remote protocol: checksums, acks, interrupts, escapes, hex.
#include "gdbstub/packet.hpp"

#include <gtest/gtest.h>

namespace fpvm::gdbstub {
namespace {

TEST(Packet, ChecksumAndFrame) {
  EXPECT_EQ(checksum(""), 0);
  EXPECT_EQ(checksum("OK"), 0x9a);
  EXPECT_EQ(frame("OK"), "$OK#9a");
  EXPECT_EQ(frame(""), "$#00");
  // Wraps modulo 256.
  EXPECT_EQ(checksum(std::string(3, '\xff')), 0xfd);
}

TEST(Packet, ReaderSplitsAcksPacketsAndInterrupts) {
  PacketReader r;
  r.feed("+$qSupported:multiprocess+#c6-\x03");
  auto a = r.next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, Incoming::Kind::Ack);
  auto p = r.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, Incoming::Kind::Packet);
  EXPECT_EQ(p->payload, "qSupported:multiprocess+");
  EXPECT_EQ(r.next()->kind, Incoming::Kind::Nack);
  EXPECT_EQ(r.next()->kind, Incoming::Kind::Interrupt);
  EXPECT_FALSE(r.next());
}

TEST(Packet, ReaderWaitsForTheWholePacket) {
  PacketReader r;
  r.feed("$g#6");
  EXPECT_FALSE(r.next());
  EXPECT_TRUE(r.partial());
  r.feed("7");
  auto p = r.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, Incoming::Kind::Packet);
  EXPECT_EQ(p->payload, "g");
  EXPECT_FALSE(r.partial());
}

TEST(Packet, ReaderFlagsBadChecksums) {
  PacketReader r;
  r.feed("$g#00$?#zz");
  EXPECT_EQ(r.next()->kind, Incoming::Kind::BadChecksum);
  EXPECT_EQ(r.next()->kind, Incoming::Kind::BadChecksum);
  EXPECT_FALSE(r.next());
}

TEST(Packet, ReaderIgnoresNoise) {
  PacketReader r;
  r.feed("xyz\n$?#3f");
  auto p = r.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload, "?");
}

TEST(Packet, EscapesRoundTrip) {
  const std::string raw = std::string("a#b$c}d*e") + '\0' + "\x7d\x23";
  const std::string escaped = escapeBinary(raw);
  EXPECT_EQ(escaped.find_first_of("#$*"), std::string::npos);
  EXPECT_EQ(escapeBinary("#"), std::string("}") + static_cast<char>('#' ^ 0x20));
  EXPECT_EQ(unescapeBinary(escaped), raw);
  // The framed escaped payload parses back.
  PacketReader r;
  r.feed(frame(escaped));
  auto p = r.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, Incoming::Kind::Packet);
  EXPECT_EQ(unescapeBinary(p->payload), raw);
}

TEST(Packet, Hex) {
  EXPECT_EQ(hexEncode("step\n"), "737465700a");
  EXPECT_EQ(hexDecode("737465700A"), std::optional<std::string>("step\n"));
  EXPECT_FALSE(hexDecode("abc"));
  EXPECT_FALSE(hexDecode("zz"));
}

}  // namespace
}  // namespace fpvm::gdbstub
