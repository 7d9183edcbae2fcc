#pragma once
/// The GDB remote-protocol session: reads packets from a Channel, answers them from a
/// Controller. All-stop mode, one inferior; MT64 threads are gdb threads (gdb id = thread id + 1).
/// Register and memory writes are refused (E01): the machine's state must stay the state its hash
/// commits to. docs/debugging.md lists the packets and monitor commands.
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>

#include "gdbstub/controller.hpp"
#include "gdbstub/packet.hpp"
#include "gdbstub/transport.hpp"

namespace fpvm::gdbstub {

/// How a session ended.
enum class SessionEnd : uint8_t {
  Detached,      ///< gdb sent D
  Killed,        ///< gdb sent k or vKill
  Disconnected,  ///< the connection closed
};

/// One debugging session over one connection.
class GdbServer {
 public:
  /// Largest packet gdb may send or receive (advertised as PacketSize).
  static constexpr size_t kPacketSize = 0x4000;

  /// Serves `controller` over `channel` (both not owned).
  GdbServer(Controller& controller, Channel& channel);

  /// Answers packets until gdb detaches, kills the program or closes the connection.
  SessionEnd serve();

  /// The reply (unframed) to one packet payload; console output ('O' packets) goes to the
  /// channel first. Exposed for tests.
  std::string handle(const std::string& payload);

  /// A flag (e.g. set by SIGINT) that ends the session when set; null = none.
  void setCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  /// True once a packet ended the session.
  bool ended() const { return ended_; }

 private:
  /// The next item from the peer, waiting at most `timeoutMs`; nullopt on a timeout or close.
  std::optional<Incoming> receive(int timeoutMs);
  /// Reads what arrived without waiting; true when it holds an interrupt (or the peer left).
  bool pollInterrupt();
  /// Frames and writes a packet, remembering it for a resend on '-'.
  void send(const std::string& payload);
  /// Sends `text` as console output ('O' packets).
  void console(const std::string& text);

  std::string stopReply(const StopEvent& stop);
  std::string threadList();
  std::string readRegisters(const std::string& args, bool all);
  std::string readMemory(const std::string& args);
  std::string breakpoint(const std::string& payload);
  std::string resume(const std::string& payload);
  std::string monitor(const std::string& hexCommand);
  std::string xferFeatures(const std::string& args);
  /// Registers of the thread Hg selected (the current one when it is gone or none was).
  core::ThreadRegisters selectedRegisters();
  /// gdb's id of the machine's current thread.
  uint64_t currentThread();

  Controller& controller_;
  Channel& channel_;
  PacketReader reader_;
  std::deque<Incoming> queued_;
  std::string lastPacket_;
  std::string lastStop_;
  bool noAck_ = false;
  bool ended_ = false;
  SessionEnd end_ = SessionEnd::Disconnected;
  const std::atomic<bool>* cancel_ = nullptr;
  uint64_t selectedThread_ = 0;  ///< gdb id from Hg; 0 = the current thread
};

}  // namespace fpvm::gdbstub
