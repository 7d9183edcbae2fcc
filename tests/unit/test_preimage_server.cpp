// A preimage server for the host-side tests (server_process_test.cpp, tests/cli): answers every
// key with the 5 bytes "hello" and acks every hint, with switches that make it slow, make it die
// in the middle of a request, make it slow to exit on SIGINT or deaf to SIGINT, and report which
// descriptors it inherited.
//
//   test_preimage_server [--fd-list FILE] [--answer-after-ms N] [--exit-on-key CODE]
//                        [--signal-on-key SIG] [--stay] [--marker FILE] [--on-sigint-sleep-ms N]
//                        [--ignore-sigint-ms N] [--ignore-sigint] [--argv-file FILE] [ARGS…]
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "preimage/oracle_server.hpp"

namespace {

struct Options {
  const char* fdList = nullptr;
  const char* marker = nullptr;
  const char* argvFile = nullptr;
  int answerAfterMs = 0, exitOnKey = -1, signalOnKey = 0, sigintSleepMs = 0, ignoreSigintMs = 0;
  bool stay = false, ignoreSigint = false;
};

Options gOptions;
std::atomic<bool> gInterrupted{false};

void writeMarker(const char* text) {
  if (!gOptions.marker) return;
  int fd = ::open(gOptions.marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const ssize_t n = ::write(fd, text, std::strlen(text));
  (void)n;
  ::close(fd);
}

void onSigint(int) { gInterrupted = true; }

void installHandler() {
  struct sigaction sa {};
  sa.sa_handler = onSigint;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
}

/// Writes the numbers of the open descriptors (checked before anything else is opened).
void listFds(const char* path) {
  std::string list;
  for (int fd = 0; fd < 1024; ++fd)
    if (::fcntl(fd, F_GETFD) != -1) list += (list.empty() ? "" : " ") + std::to_string(fd);
  FILE* f = std::fopen(path, "w");
  if (!f) std::exit(90);
  std::fprintf(f, "%s\n", list.c_str());
  std::fclose(f);
}

class Handler final : public fpvm::preimage::OracleServerHandler {
 public:
  void onHint(fpvm::ByteView) override {}
  std::optional<fpvm::Bytes> onPreimage(const fpvm::Hash32&) override {
    if (gOptions.exitOnKey >= 0) std::_Exit(gOptions.exitOnKey);
    if (gOptions.signalOnKey > 0) {
      ::signal(gOptions.signalOnKey, SIG_DFL);
      ::raise(gOptions.signalOnKey);
    }
    // A slow answer (a slow L1/L2 node); SIGINT meanwhile ends the server, as op-program's would.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(gOptions.answerAfterMs);
    while (std::chrono::steady_clock::now() < until) {
      if (gInterrupted) std::_Exit(130);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const char* v = "hello";
    return fpvm::Bytes(v, v + 5);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--fd-list") gOptions.fdList = next();
    else if (a == "--marker") gOptions.marker = next();
    else if (a == "--argv-file") gOptions.argvFile = next();
    else if (a == "--answer-after-ms") gOptions.answerAfterMs = std::atoi(next());
    else if (a == "--exit-on-key") gOptions.exitOnKey = std::atoi(next());
    else if (a == "--signal-on-key") gOptions.signalOnKey = std::atoi(next());
    else if (a == "--on-sigint-sleep-ms") gOptions.sigintSleepMs = std::atoi(next());
    else if (a == "--ignore-sigint-ms") gOptions.ignoreSigintMs = std::atoi(next());
    else if (a == "--ignore-sigint") gOptions.ignoreSigint = true;
    else if (a == "--stay") gOptions.stay = true;
    else break;  // the rest is recorded by --argv-file
  }
  if (gOptions.fdList) listFds(gOptions.fdList);
  if (gOptions.argvFile) {
    FILE* f = std::fopen(gOptions.argvFile, "w");
    if (!f) return 91;
    for (int k = 0; k < argc; ++k) std::fprintf(f, "%s\n", argv[k]);
    std::fclose(f);
  }
  if (gOptions.ignoreSigint || gOptions.ignoreSigintMs > 0) {
    ::signal(SIGINT, SIG_IGN);
    if (gOptions.ignoreSigintMs > 0)
      std::thread([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(gOptions.ignoreSigintMs));
        installHandler();
      }).detach();
  } else {
    installHandler();
  }
  Handler handler;
  try {
    fpvm::preimage::serveOracle(handler);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "test_preimage_server: %s\n", e.what());
    return 2;
  }
  if (gInterrupted) writeMarker("sigint during serving\n");
  if (!gOptions.stay) return 0;
  // Stay after the host closed the channels until SIGINT, then take the requested time to
  // "clean up" before exiting.
  while (!gInterrupted) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(gOptions.sigintSleepMs));
  writeMarker("clean exit after sigint\n");
  return 0;
}
