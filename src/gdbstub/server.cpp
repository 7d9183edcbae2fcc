#include "gdbstub/server.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "gdbstub/registers.hpp"

namespace fpvm::gdbstub {
namespace {

constexpr int kSigInt = 2, kSigIll = 4, kSigTrap = 5, kSigSegv = 11;

/// Parses hex digits (no prefix); false when empty, too long or not hex.
bool parseHex(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 16) return false;
  out = 0;
  for (char c : text) {
    const int v = hexDigitValue(c);
    if (v < 0) return false;
    out = out << 4 | static_cast<uint64_t>(v);
  }
  return true;
}

std::string hexNumber(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string signalReply(int sig, uint64_t thread, const std::string& extra = {}) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "T%02x", sig);
  return std::string(buf) + "thread:" + hexNumber(thread) + ";" + extra;
}

bool startsWith(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

GdbServer::GdbServer(Controller& controller, Channel& channel) : controller_(controller), channel_(channel) {
  lastStop_ =
      controller_.machine().exited() ? stopReply(StopEvent{StopEvent::Kind::Exited, {}}) : signalReply(kSigTrap, currentThread());
}

uint64_t GdbServer::currentThread() { return controller_.machine().registers().threadId + 1; }

void GdbServer::send(const std::string& payload) {
  lastPacket_ = frame(payload);
  channel_.write(lastPacket_);
}

void GdbServer::console(const std::string& text) {
  // Split so each 'O' packet stays well under the packet size.
  for (size_t off = 0; off < text.size(); off += 1024) send("O" + hexEncode(std::string_view(text).substr(off, 1024)));
}

std::optional<Incoming> GdbServer::receive(int timeoutMs) {
  for (;;) {
    if (!queued_.empty()) {
      Incoming in = std::move(queued_.front());
      queued_.pop_front();
      return in;
    }
    if (auto in = reader_.next()) return in;
    if (channel_.closed() || (cancel_ && *cancel_)) return std::nullopt;
    // Waiting forever is done in slices so the cancel flag is seen.
    const std::string bytes = channel_.read(timeoutMs < 0 ? 200 : timeoutMs);
    if (bytes.empty()) {
      if (channel_.closed() || timeoutMs >= 0) return std::nullopt;
      continue;
    }
    reader_.feed(bytes);
  }
}

bool GdbServer::pollInterrupt() {
  if (cancel_ && *cancel_) return true;
  const std::string bytes = channel_.read(0);
  if (channel_.closed()) return true;
  if (bytes.empty()) return false;
  reader_.feed(bytes);
  bool interrupt = false;
  while (auto in = reader_.next()) {
    if (in->kind == Incoming::Kind::Interrupt) {
      interrupt = true;
    } else if (in->kind != Incoming::Kind::Ack) {
      queued_.push_back(std::move(*in));
    }
  }
  return interrupt;
}

SessionEnd GdbServer::serve() {
  while (!ended_) {
    std::optional<Incoming> in = receive(-1);
    if (!in) return SessionEnd::Disconnected;
    switch (in->kind) {
      case Incoming::Kind::Ack: break;
      case Incoming::Kind::Nack:
        if (!lastPacket_.empty()) channel_.write(lastPacket_);
        break;
      case Incoming::Kind::BadChecksum:
        if (!noAck_) channel_.write("-");
        break;
      case Incoming::Kind::Interrupt: break;  // not running: nothing to stop
      case Incoming::Kind::Packet: {
        if (!noAck_) channel_.write("+");
        const std::string reply = handle(in->payload);
        if (in->payload != "k") send(reply);  // k has no reply
        break;
      }
    }
  }
  return end_;
}

std::string GdbServer::handle(const std::string& p) {
  if (p.empty()) return "";
  switch (p[0]) {
    case '?': return lastStop_;
    case 'g': return readRegisters("", true);
    case 'p': return readRegisters(p.substr(1), false);
    case 'G':
    case 'P': return "E01";  // the state must stay the hash-committed state
    case 'm': return readMemory(p.substr(1));
    case 'M':
    case 'X': return "E01";
    case 'Z':
    case 'z': return breakpoint(p);
    case 's':
    case 'c': return resume(p);
    case 'b':
      if (p == "bs" || p == "bc") return resume(p);
      return "";
    case 'H': {
      if (p.size() < 2) return "E01";
      if (p[1] == 'g') {
        uint64_t id = 0;
        const std::string arg = p.substr(2);
        if (arg == "-1" || arg == "0") {
          selectedThread_ = 0;
        } else if (parseHex(arg, id)) {
          selectedThread_ = id;
        } else {
          return "E01";
        }
      }
      return "OK";
    }
    case 'T': {
      uint64_t id = 0;
      if (!parseHex(p.substr(1), id)) return "E01";
      for (const auto& t : controller_.machine().threads())
        if (t.threadId + 1 == id) return "OK";
      return "E01";
    }
    case 'k':
      ended_ = true;
      end_ = SessionEnd::Killed;
      return "";
    case 'D':
      ended_ = true;
      end_ = SessionEnd::Detached;
      return "OK";
    default: break;
  }
  if (startsWith(p, "qSupported"))
    return "PacketSize=" + hexNumber(kPacketSize) + ";QStartNoAckMode+;qXfer:features:read+;ReverseStep+;ReverseContinue+";
  if (p == "QStartNoAckMode") {
    noAck_ = true;
    return "OK";
  }
  if (p == "qAttached" || startsWith(p, "qAttached:")) return "1";
  if (p == "qC") return "QC" + hexNumber(currentThread());
  if (p == "qfThreadInfo") return threadList();
  if (p == "qsThreadInfo") return "l";
  if (startsWith(p, "qXfer:features:read:")) return xferFeatures(p.substr(20));
  if (startsWith(p, "qRcmd,")) return monitor(p.substr(6));
  if (p == "vCont?") return "vCont;c;C;s;S";
  if (startsWith(p, "vCont;")) return resume(p);
  if (startsWith(p, "vKill")) {
    ended_ = true;
    end_ = SessionEnd::Killed;
    return "OK";
  }
  return "";  // not supported
}

std::string GdbServer::threadList() {
  std::string out = "m";
  for (const auto& t : controller_.machine().threads()) {
    if (out.size() > 1) out += ',';
    out += hexNumber(t.threadId + 1);
  }
  return out;
}

core::ThreadRegisters GdbServer::selectedRegisters() {
  if (selectedThread_ != 0)
    for (const auto& t : controller_.machine().threads())
      if (t.threadId + 1 == selectedThread_) return t;
  return controller_.machine().registers();
}

std::string GdbServer::readRegisters(const std::string& args, bool all) {
  const core::Isa isa = controller_.machine().isa();
  const core::ThreadRegisters regs = selectedRegisters();
  if (all) return encodeAllRegisters(isa, regs);
  uint64_t n = 0;
  if (!parseHex(args, n)) return "E01";
  std::optional<std::string> value = encodeRegister(isa, regs, n);
  return value ? *value : "E01";
}

std::string GdbServer::readMemory(const std::string& args) {
  const size_t comma = args.find(',');
  uint64_t addr = 0, len = 0;
  if (comma == std::string::npos || !parseHex(args.substr(0, comma), addr) || !parseHex(args.substr(comma + 1), len))
    return "E01";
  len = std::min<uint64_t>(len, (kPacketSize - 8) / 2);
  std::string bytes(len, '\0');
  controller_.machine().readMemory(addr, reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
  return hexEncode(bytes);
}

std::string GdbServer::breakpoint(const std::string& p) {
  // Z0/Z1 (software/hardware breakpoint) are both kept in the controller; watchpoints are not supported.
  if (p.size() < 3 || (p[1] != '0' && p[1] != '1') || p[2] != ',') return "";
  const std::string rest = p.substr(3);
  const size_t comma = rest.find(',');
  uint64_t addr = 0;
  if (!parseHex(rest.substr(0, comma), addr)) return "E01";
  if (p[0] == 'Z') {
    controller_.addBreakpoint(addr);
  } else {
    controller_.removeBreakpoint(addr);
  }
  return "OK";
}

std::string GdbServer::resume(const std::string& p) {
  auto interrupted = [this] { return pollInterrupt(); };
  bool step = false, cont = false;
  if (p == "bs" || p == "bc") {
    StopEvent e = p == "bs" ? controller_.stepBackward() : controller_.continueBackward(interrupted);
    return stopReply(e);
  }
  if (startsWith(p, "vCont;")) {
    // All-stop: the whole machine moves; a step action anywhere makes it a single step.
    size_t pos = 6;
    while (pos < p.size()) {
      const size_t end = std::min(p.find(';', pos), p.size());
      const char action = p[pos];
      if (action == 's' || action == 'S') step = true;
      if (action == 'c' || action == 'C') cont = true;
      pos = end + 1;
    }
    if (!step && !cont) return "E01";
  } else {
    step = p[0] == 's';
  }
  const StopEvent e = step ? controller_.stepForward() : controller_.continueForward(interrupted);
  return stopReply(e);
}

std::string GdbServer::stopReply(const StopEvent& stop) {
  selectedThread_ = 0;
  std::string reply;
  switch (stop.kind) {
    case StopEvent::Kind::Stepped:
    case StopEvent::Kind::Breakpoint: reply = signalReply(kSigTrap, currentThread()); break;
    case StopEvent::Kind::Interrupted: reply = signalReply(kSigInt, currentThread()); break;
    case StopEvent::Kind::HistoryBegin: reply = signalReply(kSigTrap, currentThread(), "replaylog:begin;"); break;
    case StopEvent::Kind::Exited: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "W%02x", controller_.machine().exitCode());
      reply = buf;
      break;
    }
    case StopEvent::Kind::Reverted:
      console("fpvm: the step reverted: " + stop.message + "\n");
      reply = signalReply(kSigIll, currentThread());
      break;
    case StopEvent::Kind::HostFailure:
      console("fpvm: host failure: " + stop.message + "\n");
      reply = signalReply(kSigSegv, currentThread());
      break;
  }
  lastStop_ = reply;
  return reply;
}

std::string GdbServer::xferFeatures(const std::string& args) {
  // annex:offset,length
  const size_t colon = args.find(':');
  if (colon == std::string::npos) return "E00";
  const std::string annex = args.substr(0, colon), range = args.substr(colon + 1);
  if (annex != "target.xml") return "E00";
  const size_t comma = range.find(',');
  uint64_t offset = 0, length = 0;
  if (comma == std::string::npos || !parseHex(range.substr(0, comma), offset) || !parseHex(range.substr(comma + 1), length))
    return "E00";
  const std::string xml = targetXml(controller_.machine().isa());
  if (offset >= xml.size()) return "l";
  length = std::min<uint64_t>(length, kPacketSize / 2);
  const std::string part = xml.substr(offset, length);
  return (offset + part.size() >= xml.size() ? "l" : "m") + escapeBinary(part);
}

std::string GdbServer::monitor(const std::string& hexCommand) {
  const std::optional<std::string> decoded = hexDecode(hexCommand);
  if (!decoded) return "E01";
  std::string command = *decoded;
  while (!command.empty() && (command.back() == ' ' || command.back() == '\n')) command.pop_back();
  core::AnyMachine& m = controller_.machine();
  if (command == "help" || command.empty()) {
    console(
        "fpvm monitor commands:\n"
        "  step        the machine's step number\n"
        "  hash        the state hash at this step\n"
        "  goto N      move to step N (forward or backward; run `flushregs` afterwards)\n"
        "  snapshots   the reverse-execution snapshots held\n");
    return "OK";
  }
  if (command == "step") {
    console(std::to_string(m.step()) + "\n");
    return "OK";
  }
  if (command == "hash") {
    console(toHex(m.stateHash()) + "\n");
    return "OK";
  }
  if (command == "snapshots") {
    console(std::to_string(controller_.snapshotCount()) + " snapshots, every " + std::to_string(controller_.snapshotSpacing()) +
            " steps from step " + std::to_string(controller_.firstStep()) + "; furthest step " +
            std::to_string(controller_.furthestStep()) + "\n");
    return "OK";
  }
  if (startsWith(command, "goto ")) {
    const std::string arg = command.substr(5);
    uint64_t target = 0;
    if (arg.empty() || arg.size() > 20 || arg.find_first_not_of("0123456789") != std::string::npos) {
      console("error: monitor goto: \"" + arg + "\" is not a step number\n");
      return "E01";
    }
    target = std::stoull(arg);
    try {
      const StopEvent e = controller_.gotoStep(target, [this] { return pollInterrupt(); });
      lastStop_ = stopReply(e);
      if (e.kind == StopEvent::Kind::Exited)
        console("the program exited with code " + std::to_string(controller_.machine().exitCode()) + "\n");
      if (e.kind == StopEvent::Kind::Interrupted) console("interrupted\n");
    } catch (const Error& err) {
      console(std::string("error: monitor goto: ") + err.what() + "\n");
      return "E01";
    }
    console("step " + std::to_string(controller_.machine().step()) + "\n");
    return "OK";
  }
  console("error: unknown monitor command \"" + command + "\" (try `monitor help`)\n");
  return "E01";
}

}  // namespace fpvm::gdbstub
