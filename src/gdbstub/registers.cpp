#include "gdbstub/registers.hpp"

#include "common/hex.hpp"

namespace fpvm::gdbstub {
namespace {

constexpr size_t kRiscvRegisters = 33;
constexpr size_t kMipsRegisters = 72;
constexpr size_t kMipsFirstFpu = 38;

/// `value` as 16 hex digits, least significant byte first when `littleEndian`.
std::string encode64(uint64_t value, bool littleEndian) {
  std::string out;
  out.reserve(16);
  for (int i = 0; i < 8; ++i) {
    const int byte = littleEndian ? i : 7 - i;
    appendHexByte(out, static_cast<uint8_t>(value >> (8 * byte)));
  }
  return out;
}

std::string riscvXml() {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
      "<architecture>riscv:rv64</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (int i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : i == 2 ? "data_ptr" : "int";
    xml +=
        "<reg name=\"x" + std::to_string(i) + "\" bitsize=\"64\" type=\"" + type + "\" regnum=\"" + std::to_string(i) + "\"/>\n";
  }
  xml += "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n</feature>\n</target>\n";
  return xml;
}

std::string mipsXml() {
  auto reg = [](const std::string& name, int regnum, const char* type = "int") {
    return "<reg name=\"" + name + "\" bitsize=\"64\" type=\"" + type + "\" regnum=\"" + std::to_string(regnum) + "\"/>\n";
  };
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
      "<architecture>mips:isa64</architecture>\n<feature name=\"org.gnu.gdb.mips.cpu\">\n";
  for (int i = 0; i < 32; ++i) xml += reg("r" + std::to_string(i), i);
  xml += reg("lo", 33) + reg("hi", 34) + reg("pc", 37, "code_ptr");
  xml += "</feature>\n<feature name=\"org.gnu.gdb.mips.cp0\">\n";
  xml += reg("status", 32) + reg("badvaddr", 35) + reg("cause", 36);
  xml += "</feature>\n<feature name=\"org.gnu.gdb.mips.fpu\">\n";
  for (int i = 0; i < 32; ++i) xml += reg("f" + std::to_string(i), static_cast<int>(kMipsFirstFpu) + i, "ieee_double");
  xml += reg("fcsr", 70) + reg("fir", 71);
  xml += "</feature>\n</target>\n";
  return xml;
}

}  // namespace

std::string targetXml(core::Isa isa) { return isa == core::Isa::Riscv64 ? riscvXml() : mipsXml(); }

size_t registerCount(core::Isa isa) { return isa == core::Isa::Riscv64 ? kRiscvRegisters : kMipsRegisters; }

std::optional<std::string> encodeRegister(core::Isa isa, const core::ThreadRegisters& regs, size_t n) {
  if (isa == core::Isa::Riscv64) {
    if (n < 32) return encode64(regs.gpr[n], true);
    if (n == 32) return encode64(regs.pc, true);
    return std::nullopt;
  }
  if (n < 32) return encode64(regs.gpr[n], false);
  switch (n) {
    case 33: return encode64(regs.lo, false);
    case 34: return encode64(regs.hi, false);
    case 37: return encode64(regs.pc, false);
    case 32:
    case 35:
    case 36: return encode64(0, false);  // no coprocessor 0
    default: break;
  }
  if (n < kMipsRegisters) return std::string(16, 'x');  // no FPU
  return std::nullopt;
}

std::string encodeAllRegisters(core::Isa isa, const core::ThreadRegisters& regs) {
  std::string out;
  for (size_t n = 0; n < registerCount(isa); ++n) out += *encodeRegister(isa, regs, n);
  return out;
}

}  // namespace fpvm::gdbstub
