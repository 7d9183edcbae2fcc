#include "cli/flag_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "common/error.hpp"
#include "common/go_uint.hpp"

namespace fpvm::cli {
namespace {

std::string numberText(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

bool isHelpName(const std::string& name) { return name == "help" || name == "h"; }

}  // namespace

bool parseGoBool(const std::string& text, bool& out) {
  static const char* const kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static const char* const kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (const char* t : kTrue)
    if (text == t) return out = true, true;
  for (const char* f : kFalse)
    if (text == f) return out = false, true;
  return false;
}

FlagSet::FlagSet(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}

FlagSet::Flag& FlagSet::define(const std::string& name, const std::string& help) {
  if (name.empty() || name[0] == '-' || name.find('=') != std::string::npos || isHelpName(name) || find(name))
    throw Error("internal error: bad or duplicate flag name \"" + name + "\" in " + command_);
  Flag f;
  f.name = name;
  f.help = help;
  flags_.push_back(std::move(f));
  return flags_.back();
}

FlagSet::Flag* FlagSet::find(const std::string& name) {
  for (Flag& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

void FlagSet::add(const std::string& name, std::string* value, const std::string& help) {
  Flag& f = define(name, help);
  f.defaultText = *value;
  f.set = [value](const std::string& v) { *value = v; };
}

void FlagSet::add(const std::string& name, uint64_t* value, const std::string& help) {
  Flag& f = define(name, help);
  f.defaultText = std::to_string(*value);
  f.set = [value](const std::string& v) {
    if (!parseGoUint(v, *value)) throw Error("not an unsigned 64-bit integer");
  };
}

void FlagSet::add(const std::string& name, unsigned* value, const std::string& help) {
  Flag& f = define(name, help);
  f.defaultText = std::to_string(*value);
  f.set = [value](const std::string& v) {
    uint64_t n = 0;
    if (!parseGoUint(v, n) || n > 0xffffffffu) throw Error("not an unsigned 32-bit integer");
    *value = static_cast<unsigned>(n);
  };
}

void FlagSet::add(const std::string& name, double* value, const std::string& help) {
  Flag& f = define(name, help);
  f.defaultText = numberText(*value);
  f.set = [value](const std::string& v) {
    char* end = nullptr;
    errno = 0;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || errno == ERANGE || std::isnan(d)) throw Error("not a number");
    *value = d;
  };
}

void FlagSet::add(const std::string& name, bool* value, const std::string& help) {
  Flag& f = define(name, help);
  f.isBool = true;
  f.defaultText = *value ? "true" : "";
  f.set = [value](const std::string& v) {
    if (!parseGoBool(v, *value)) throw Error("not a boolean (true, false, 1, 0, t, f)");
  };
}

void FlagSet::add(const std::string& name, std::vector<std::string>* values, const std::string& help) {
  Flag& f = define(name, help + " (repeatable)");
  f.set = [values](const std::string& v) { values->push_back(v); };
}

void FlagSet::addFunction(const std::string& name, std::function<void(const std::string&)> set, const std::string& help,
                          bool isBool, const std::string& defaultText) {
  Flag& f = define(name, help);
  f.isBool = isBool;
  f.defaultText = defaultText;
  f.set = std::move(set);
}

void FlagSet::require(const std::string& name) {
  Flag* f = find(name);
  if (!f) throw Error("internal error: require() of unknown flag --" + name);
  f->required = true;
}

bool FlagSet::given(const std::string& name) const {
  for (const Flag& f : flags_)
    if (f.name == name) return f.given;
  return false;
}

void FlagSet::setValue(Flag& flag, const std::string& spelled, const std::string& value) {
  try {
    flag.set(value);
  } catch (const Error& e) {
    throw Error(command_ + ": invalid value \"" + value + "\" for flag " + spelled + ": " + e.what());
  }
  flag.given = true;
}

bool FlagSet::parse(const std::vector<std::string>& args) {
  bool help = false;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // a positional argument ("-" is one too)
    const size_t dashes = arg[1] == '-' ? 2 : 1;
    if (arg.size() == dashes) {  // "--": the rest is the server command
      server_.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      i = args.size();
      break;
    }
    std::string name = arg.substr(dashes);
    if (name[0] == '-' || name[0] == '=') throw Error(command_ + ": bad flag syntax: " + arg);
    const size_t eq = name.find('=');
    const bool hasValue = eq != std::string::npos;
    std::string value = hasValue ? name.substr(eq + 1) : "";
    if (hasValue) name.resize(eq);
    const std::string spelled = arg.substr(0, dashes) + name;
    if (isHelpName(name)) {
      bool on = true;
      if (hasValue && !parseGoBool(value, on))
        throw Error(command_ + ": invalid value \"" + value + "\" for flag " + spelled + ": not a boolean");
      help = help || on;
      continue;
    }
    Flag* flag = find(name);
    if (!flag) throw Error(command_ + ": unknown flag " + spelled + " (see `fpvm " + command_ + " --help`)");
    if (flag->isBool) {
      setValue(*flag, spelled, hasValue ? value : "true");
      continue;
    }
    if (!hasValue) {
      if (i + 1 >= args.size()) throw Error(command_ + ": flag " + spelled + " needs a value");
      value = args[++i];
    }
    setValue(*flag, spelled, value);
  }
  if (i < args.size()) {
    // A positional argument before any `--`. urfave/cli runs its `help` command for "help"/"h".
    if (isHelpName(args[i])) {
      help = true;
    } else {
      throw Error(command_ + ": unexpected argument \"" + args[i] + "\"" +
                  (takesServer_ ? " (a preimage server command goes after --)" : " (this command takes no arguments)"));
    }
  }
  if (help) {
    std::cout << this->help();
    return false;
  }
  if (!server_.empty() && !takesServer_) throw Error(command_ + ": takes no server command after --");
  for (const Flag& f : flags_)
    if (f.required && !f.given) throw Error(command_ + ": --" + f.name + " is required");
  return true;
}

std::string FlagSet::help() const {
  std::ostringstream out;
  out << "fpvm " << command_ << " - " << summary_ << "\n\nUsage: fpvm " << command_ << " [flags]"
      << (takesServer_ ? " [-- preimage server command…]" : "")
      << "\n\nFlags (-flag and --flag, value as next argument or after =):\n";
  size_t width = 6;
  for (const Flag& f : flags_) width = std::max(width, f.name.size() + (f.isBool ? 2 : 8));
  for (const Flag& f : flags_) {
    std::string left = "--" + f.name + (f.isBool ? "" : " value");
    out << "  " << left << std::string(width + 2 - left.size(), ' ') << f.help;
    if (f.required) out << " (required)";
    else if (!f.defaultText.empty()) out << " (default: " << f.defaultText << ")";
    out << "\n";
  }
  out << "  --help, -h" << std::string(width > 8 ? width - 8 : 1, ' ') << "show this help\n";
  if (!footer_.empty()) out << "\n" << footer_ << "\n";
  return out.str();
}

}  // namespace fpvm::cli
