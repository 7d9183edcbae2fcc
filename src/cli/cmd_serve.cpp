// `fpvm serve`: the validation server (spec/validation-server.md). Every option of the server's
// option table is a flag of the same name; --config FILE.json sets the same names from a file
// (flags win). Runs until SIGINT/SIGTERM.
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "common/logfmt.hpp"
#include "server/config.hpp"
#include "server/server.hpp"

namespace fpvm::cli {

int runServe(const Args& args) {
  FlagSet flags("serve", "serve validations and execution runs over JSON-RPC (HTTP + WebSocket) and Redis Streams");
  server::ServerConfig config;
  std::string configFile;
  bool printConfig = false;
  flags.add("config", &configFile, "JSON file of option names and values (flags override it)");
  flags.add("print-config", &printConfig, "print the effective configuration as JSON and exit");
  std::map<std::string, std::string> given;  // option name → value text
  const nlohmann::json defaults = server::configToJson(server::ServerConfig{});
  for (const auto& o : server::configOptions()) {
    const std::string name = o.name;
    const nlohmann::json& d = defaults[name];
    std::string shown;
    if (!(d.is_string() && d.get<std::string>().empty()) && !(d.is_array() && d.empty()))
      shown = d.is_string() ? d.get<std::string>() : d.dump();
    if (o.kind == server::ConfigOption::Kind::Bool) {
      flags.addFunction(
          name,
          [&given, name](const std::string& v) {
            bool on = false;
            if (!parseGoBool(v, on)) throw Error("not a boolean (true, false, 1, 0, t, f)");
            given[name] = on ? "true" : "false";
          },
          o.help, true, shown == "false" ? "" : shown);
      flags.addFunction(
          "no-" + name,
          [&given, name](const std::string& v) {
            bool on = false;
            if (!parseGoBool(v, on)) throw Error("not a boolean (true, false, 1, 0, t, f)");
            given[name] = on ? "false" : "true";
          },
          "the opposite of --" + name, true);
    } else {
      flags.addFunction(
          name, [&given, name](const std::string& v) { given[name] = v; }, o.help, false, shown);
    }
  }
  flags.takesServerCommand();
  if (!flags.parse(args)) return 0;
  const Args& serverCommand = flags.serverCommand();

  if (!configFile.empty()) {
    Bytes text = readFile(configFile);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text.begin(), text.end());
    } catch (const std::exception& e) {
      throw Error("--config " + configFile + ": not valid JSON: " + e.what());
    }
    server::applyConfigJson(config, j, configFile);
  }
  for (const auto& [name, value] : given) {
    for (const auto& o : server::configOptions()) {
      if (name != o.name) continue;
      try {
        o.set(config, nlohmann::json(value));
      } catch (const Error& e) {
        throw Error(std::string("--") + e.what());
      }
    }
  }
  if (!serverCommand.empty()) config.preimageServer = serverCommand;
  if (printConfig) {
    std::cout << server::configToJson(config).dump(2) << std::endl;
    return 0;
  }
  server::Server srv(config);
  srv.start();
  while (!gInterrupted.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  logInfo("shutting down");
  srv.stop();
  return 0;
}

}  // namespace fpvm::cli
