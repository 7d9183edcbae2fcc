#include "gdbstub/packet.hpp"

#include "common/hex.hpp"

namespace fpvm::gdbstub {

uint8_t checksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string frame(std::string_view payload) {
  const uint8_t sum = checksum(payload);
  std::string out;
  out.reserve(payload.size() + 4);
  out += '$';
  out += payload;
  out += '#';
  appendHexByte(out, sum);
  return out;
}

std::string escapeBinary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char c : data) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescapeBinary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '}') {
      out += data[i];
    } else if (i + 1 < data.size()) {
      out += static_cast<char>(data[++i] ^ 0x20);
    }
  }
  return out;
}

std::string hexEncode(std::string_view data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (char c : data) appendHexByte(out, static_cast<uint8_t>(c));
  return out;
}

std::optional<std::string> hexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hexDigitValue(hex[i]), lo = hexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

void PacketReader::feed(std::string_view bytes) { buffer_.append(bytes); }

std::optional<Incoming> PacketReader::next() {
  while (!buffer_.empty()) {
    const char c = buffer_[0];
    if (c == '$') {
      const size_t hash = buffer_.find('#');
      if (hash == std::string::npos || buffer_.size() < hash + 3) return std::nullopt;
      Incoming in;
      in.payload = buffer_.substr(1, hash - 1);
      const int hi = hexDigitValue(buffer_[hash + 1]), lo = hexDigitValue(buffer_[hash + 2]);
      const bool good = hi >= 0 && lo >= 0 && checksum(in.payload) == hi * 16 + lo;
      in.kind = good ? Incoming::Kind::Packet : Incoming::Kind::BadChecksum;
      buffer_.erase(0, hash + 3);
      return in;
    }
    buffer_.erase(0, 1);
    if (c == '+') return Incoming{Incoming::Kind::Ack, {}};
    if (c == '-') return Incoming{Incoming::Kind::Nack, {}};
    if (c == '\x03') return Incoming{Incoming::Kind::Interrupt, {}};
  }
  return std::nullopt;
}

}  // namespace fpvm::gdbstub
