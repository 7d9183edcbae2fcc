#pragma once
/// The flags of one `fpvm` command, parsed as Go's `flag` package parses them (Asterisc and
/// Cannon use urfave/cli v2, which is built on it), so every command line op-challenger or an
/// operator writes for Asterisc means the same here:
///
///   -flag value   -flag=value   --flag value   --flag=value   --flag=   (explicitly empty)
///   -flag  --flag  --flag=true  -flag=false                      (boolean flags)
///   -h  -help  --h  --help                                       (help; `fpvm CMD help` too)
///
/// A flag that takes a value takes the next argument whatever it looks like (`--output -`,
/// `--meta ""`). Parsing stops at `--`, whose tail is the preimage server command, passed on
/// untouched. Unknown flags and stray arguments are errors naming them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fpvm::cli {

/// One command's flags: register them with a pointer to their variable (which holds the
/// default), then parse().
class FlagSet {
 public:
  /// `command` is the name shown in messages and help, `summary` the help's first line.
  FlagSet(std::string command, std::string summary);

  /// A flag with a string value.
  void add(const std::string& name, std::string* value, const std::string& help);
  /// A flag with an unsigned value (Go base-0 syntax: 0x…, 0o…, 0b…, leading 0 = octal).
  void add(const std::string& name, uint64_t* value, const std::string& help);
  /// A flag with an unsigned 32-bit value (Go base-0 syntax).
  void add(const std::string& name, unsigned* value, const std::string& help);
  /// A flag with a decimal number value (Go strconv.ParseFloat).
  void add(const std::string& name, double* value, const std::string& help);
  /// A boolean flag: `--name` sets true, `--name=false` false (Go strconv.ParseBool spellings).
  void add(const std::string& name, bool* value, const std::string& help);
  /// A flag that may be given several times; every value is appended in order.
  void add(const std::string& name, std::vector<std::string>* values, const std::string& help);
  /// A flag whose value goes to `set` (which throws Error on a bad value). `isBool`: it takes
  /// no separate argument and receives "true" / "false".
  void addFunction(const std::string& name, std::function<void(const std::string&)> set, const std::string& help,
                   bool isBool = false, const std::string& defaultText = "");
  /// Marks an added flag as required (parse() fails naming it when absent).
  void require(const std::string& name);
  /// Text printed after the flag list in the help.
  void footer(const std::string& text) { footer_ = text; }
  /// Allows a server command after `--` (otherwise one is an error).
  void takesServerCommand() { takesServer_ = true; }

  /// Parses `args` (the arguments after the command name). Returns false when help was asked
  /// for (it is then printed on stdout and the command should exit 0). Throws Error on an
  /// unknown flag, a missing or malformed value, a missing required flag or a stray argument.
  bool parse(const std::vector<std::string>& args);
  /// True when `name` was given on the command line.
  bool given(const std::string& name) const;
  /// The arguments after `--` (empty when none).
  const std::vector<std::string>& serverCommand() const { return server_; }
  /// The help text.
  std::string help() const;

 private:
  struct Flag {
    std::string name, help, defaultText;
    bool isBool = false, required = false, given = false;
    std::function<void(const std::string&)> set;
  };
  Flag& define(const std::string& name, const std::string& help);
  Flag* find(const std::string& name);
  void setValue(Flag& flag, const std::string& spelled, const std::string& value);

  std::string command_, summary_, footer_;
  std::vector<Flag> flags_;
  std::vector<std::string> server_;
  bool takesServer_ = false;
};

/// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. Returns false when
/// `text` is none of them.
bool parseGoBool(const std::string& text, bool& out);

}  // namespace fpvm::cli
