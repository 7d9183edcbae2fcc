#pragma once
/// GDB Remote Serial Protocol framing: `$payload#cs` packets with a modulo-256 checksum, the `+`/`-`
/// acknowledgements, the 0x03 interrupt byte and the `}` escape of binary data. No I/O here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fpvm::gdbstub {

/// The modulo-256 sum of the payload's bytes.
uint8_t checksum(std::string_view payload);

/// `payload` framed as `$payload#xx` (the payload is sent as given: escape binary data first).
std::string frame(std::string_view payload);

/// `data` with '#', '$', '}' and '*' written as '}' followed by the byte XOR 0x20.
std::string escapeBinary(std::string_view data);
/// The inverse of escapeBinary. A trailing lone '}' is dropped.
std::string unescapeBinary(std::string_view data);

/// Lower-case hex of `data`, two digits a byte.
std::string hexEncode(std::string_view data);
/// The bytes of a hex string; nullopt when it has an odd length or a non-hex digit.
std::optional<std::string> hexDecode(std::string_view hex);

/// What the peer sent, as PacketReader sees it.
struct Incoming {
  enum class Kind : uint8_t {
    Packet,       ///< a packet with a good checksum (payload set)
    BadChecksum,  ///< a packet whose checksum did not match (answer with '-')
    Ack,          ///< '+'
    Nack,         ///< '-': resend the last packet
    Interrupt,    ///< 0x03 (Ctrl-C) outside a packet
  };
  Kind kind = Kind::Packet;
  std::string payload;
};

/// Splits a byte stream into packets, acknowledgements and interrupts. Bytes outside a packet
/// other than '+', '-' and 0x03 are ignored.
class PacketReader {
 public:
  /// Appends received bytes.
  void feed(std::string_view bytes);
  /// The next complete item, or nullopt when more bytes are needed.
  std::optional<Incoming> next();
  /// True when bytes of an unfinished packet are buffered.
  bool partial() const { return !buffer_.empty(); }

 private:
  std::string buffer_;
};

}  // namespace fpvm::gdbstub
