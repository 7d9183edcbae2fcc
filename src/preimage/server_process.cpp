#include "preimage/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::preimage {
namespace {

void makePipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("cannot create pipe: ") + std::strerror(errno));
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv, ServerLimits limits) : limits_(limits) {
  if (argv.empty()) throw Error("empty preimage server command");
  name_ = argv[0];
  int hint[2], ack[2], key[2], value[2];
  makePipe(hint);
  makePipe(ack);
  makePipe(key);
  makePipe(value);
  pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start preimage server: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: move the four ends above 10 first so dup2 onto 3..6 cannot clobber one another.
    int ends[4] = {hint[0], ack[1], key[0], value[1]};
    for (int& e : ends) e = ::fcntl(e, F_DUPFD, 10);
    for (int i = 0; i < 4; ++i) ::dup2(ends[i], 3 + i);  // dup2 clears FD_CLOEXEC on the target
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "error: cannot execute preimage server %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  pid_ = pid;
  ::close(hint[0]);
  ::close(ack[1]);
  ::close(key[0]);
  ::close(value[1]);
  hintOut_ = hint[1];
  hintAckIn_ = ack[0];
  keyOut_ = key[1];
  valueIn_ = value[0];
}

ServerProcess::~ServerProcess() {
  try {
    shutdown();
  } catch (...) {
  }
}

void ServerProcess::reap(int status) {
  if (WIFEXITED(status)) exitDescription_ = "exited with code " + std::to_string(WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) exitDescription_ = "killed by signal " + std::to_string(WTERMSIG(status));
  pid_ = -1;
}

bool ServerProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reap(status);
    return false;
  }
  return true;
}

void ServerProcess::hint(ByteView hint) {
  if (!alive()) throw Error("preimage server " + name_ + " is not running (" + exitDescription_ + ")");
  auto deadline = Clock::now() + limits_.timeout;
  PeerAlive peer = [this] { return alive(); };
  Bytes msg(4 + hint.size());
  putBE32(msg.data(), static_cast<uint32_t>(hint.size()));
  std::copy(hint.begin(), hint.end(), msg.begin() + 4);
  writeAllBefore(hintOut_, msg, deadline, peer, "sending hint");
  uint8_t ack;
  readExactBefore(hintAckIn_, &ack, 1, deadline, peer, "waiting for hint ack");
}

Bytes ServerProcess::getPreimage(const Hash32& key) {
  if (!alive()) throw Error("preimage server " + name_ + " is not running (" + exitDescription_ + ")");
  auto deadline = Clock::now() + limits_.timeout;
  PeerAlive peer = [this] { return alive(); };
  writeAllBefore(keyOut_, ByteView(key.b), deadline, peer, "sending preimage key");
  uint8_t lenBuf[8];
  readExactBefore(valueIn_, lenBuf, 8, deadline, peer, "reading preimage length");
  uint64_t len = getBE64(lenBuf);
  if (len > limits_.maxPreimageBytes)
    throw Error("malformed response from preimage server: length " + std::to_string(len) + " for key " + toHex(key) +
                " exceeds the " + std::to_string(limits_.maxPreimageBytes) + "-byte limit");
  Bytes value(len);
  readExactBefore(valueIn_, value.data(), len, deadline, peer, "reading preimage value");
  return value;
}

void ServerProcess::shutdown() {
  for (int* fd : {&hintOut_, &hintAckIn_, &keyOut_, &valueIn_})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
  if (pid_ < 0) return;
  ::kill(pid_, SIGINT);
  auto until = Clock::now() + limits_.shutdownGrace;
  while (Clock::now() < until) {
    if (!alive()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) reap(status);
}

}  // namespace fpvm::preimage
