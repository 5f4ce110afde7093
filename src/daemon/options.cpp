#include "daemon/options.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace ninetd::daemon {

constexpr const char kUsage[] =
    "usage: ninetd [-dilwW] [-p pidfile] [-c max] [-C rate] [-R rate] [-s max]\n"
    "              [--login-conf file] [--idle-timeout seconds]\n"
    "              [--load-timeout seconds] [--max-sessions count] [--new-session]\n"
    "              [--no-peer-addresses]\n"
    "              [--max-children count] [--allow prefixes] [--deny prefixes]\n"
    "              [--control socket | --no-control] [--fd-store]\n"
    "              [--source-prefix-ipv4 length] [--source-prefix-ipv6 length]\n"
    "              [--include-dir directory | --no-include-dir] [configuration-file]\n"
    "       ninetd -t|--check [--login-conf file]\n"
    "              [--include-dir directory | --no-include-dir] [configuration-file]\n"
    "       ninetd --convert [-x] xinetd-configuration-file\n"
    "       ninetd --status [service] | --metrics [--control socket]\n"
    "\n"
    "An Internet super-server: reads an inetd.conf (default /etc/inetd.conf), listens on\n"
    "every service's socket and starts the configured server for each connection.\n"
    "\n"
    "  -d            stay in the foreground and log to stderr (debug)\n"
    "  -i            stay in the foreground, logging to syslog (for service managers)\n"
    "  -l            log every connection and server: accept, start and exit lines\n"
    "                with the client's address, the server's pid, status and duration\n"
    "  -w            check hosts.allow and hosts.deny (libwrap) before starting a server\n"
    "                for a stream connection; the daemon name is the program's basename\n"
    "  -W            the same for the builtins over TCP, by their service name\n"
    "  -c max        at most max children at once per service (FreeBSD's -c; default\n"
    "                for services whose entry sets none; 0: no limit, the default)\n"
    "  -C rate       at most rate connections a minute from one address per service\n"
    "  -R rate       at most rate launches a minute per service (FreeBSD's default is\n"
    "                256; ninetd has none unless this is given)\n"
    "  -s max        at most max children at once for one address per service\n"
    "  -p pidfile    write and lock this pid file (default /run/ninetd.pid; none with -d\n"
    "                unless given)\n"
    "  --control socket\n"
    "                answer --status and --metrics on this unix socket, mode 0600, in a\n"
    "                directory only root may write to (default /run/ninetd/control;\n"
    "                none with -d unless given); with --status or --metrics, the\n"
    "                daemon to ask\n"
    "  --no-control  open no control socket\n"
    "  --fd-store    under systemd, hand the listening sockets to its file descriptor\n"
    "                store at the stop, so a restart resets no queued connection (the\n"
    "                unit needs FileDescriptorStoreMax=); sockets handed over by the\n"
    "                daemon before are always taken back\n"
    "  --status [service]\n"
    "                print the running daemon's services (address, state, children,\n"
    "                connections served, launch failures, refusals and why), or one\n"
    "                service (or every protocol of a name, as \"echo\") with its recent\n"
    "                events; exit 1 when the daemon cannot be reached or has no such\n"
    "                service\n"
    "  --metrics     print the running daemon's counters in Prometheus' text format\n"
    "  -t, --check   check the configuration file, print every problem on stderr and on\n"
    "                stdout a line of key=value fields for each service (where it was\n"
    "                read, on or off, its sockets, then its ninetd.conf(5) settings) and a\n"
    "                summary; exit 0 if it has no error and 1 otherwise\n"
    "  --convert     print the ninetd configuration that does what an xinetd.conf does\n"
    "                (with -x, or a file that plainly is one), each entry under a comment\n"
    "                naming its file and line and what ninetd does not carry; exit 1 and\n"
    "                print nothing if the file has errors\n"
    "  --include-dir directory\n"
    "                read every file of this drop-in directory, in name order, after the\n"
    "                configuration file (default /etc/inetd.d when the configuration file\n"
    "                is /etc/inetd.conf, none otherwise); a missing directory is no error\n"
    "  --no-include-dir\n"
    "                read no drop-in directory\n"
    "  -x file, --xinetd file\n"
    "                read this file as xinetd.conf(5): its defaults and service blocks,\n"
    "                include and includedir (instead of an inetd.conf configuration file)\n"
    "  --login-conf file\n"
    "                read the login classes of \"user/class\" entries from this file, in\n"
    "                FreeBSD's login.conf(5) format (default /etc/login.conf)\n"
    "  --idle-timeout seconds\n"
    "                close an echo, discard or chargen connection that moved fewer than\n"
    "                256 bytes in this long, or a tcpmux request not complete by then\n"
    "                (default 60)\n"
    "  --max-sessions count\n"
    "                hold at most this many echo, discard, chargen, tcpmux and metrics\n"
    "                connections and forwarded ones in the daemon at once (default: a\n"
    "                quarter of the open-files limit, at most 16384)\n"
    "  --load-timeout seconds\n"
    "                kill a configuration loader (at start or reload) still running after\n"
    "                this long; the load fails (default 120)\n"
    "  --max-children count\n"
    "                run at most this many servers at once, all services together; at\n"
    "                the cap no service accepts until one exits (no client is refused)\n"
    "  --source-prefix-ipv4 length, --source-prefix-ipv6 length\n"
    "                count clients under their network of this length for the per-source\n"
    "                limits (default 32 and 64: one IPv6 host often holds a whole /64)\n"
    "  --allow prefixes\n"
    "                serve only clients in these comma-separated addresses and prefixes\n"
    "                (127.0.0.1,10.0.0.0/8,::1), in every service without an allow key\n"
    "  --deny prefixes\n"
    "                refuse clients in these, in every service without a deny key; the\n"
    "                longest matching prefix of the two lists decides (ninetd.conf(5))\n"
    "  --no-peer-addresses\n"
    "                name no client in any log line: no address, port, unix peer path or\n"
    "                per-source network (the lines are still written)\n"
    "  --new-session start each server in a session of its own (setsid) instead of a\n"
    "                process group of its own (setpgid)\n"
    "  -h, --help    print this help\n"
    "  -V, --version print the version\n"
    "\n"
    "Signals: HUP reloads the configuration, TERM and INT stop, USR1 logs the service\n"
    "table with counters. See ninetd(8) and ninetd.conf(5).\n";

const char* usage_text() {
  return kUsage;
}

namespace {

// "--name value" or "--name=value"; nullopt when args[i] is another option,
// or (with `error` set) when the value is missing.
std::optional<std::string> long_option_value(const std::vector<std::string>& args, std::size_t& i,
                                             const std::string& name, std::string& error) {
  const std::string& arg = args[i];
  if (arg.starts_with(name + "=")) return arg.substr(name.size() + 1);
  if (arg != name) return std::nullopt;
  if (i + 1 < args.size()) return args[++i];
  error = "option " + name + " needs a value";
  return std::nullopt;
}

// The value of a numeric option, 1 to `limit`, into `out`; when it is not one,
// `error` set instead ("option --NAME needs WHAT from 1 to LIMIT, got ...").
void parse_number(const std::string& text, const char* name, const char* what, unsigned limit,
                  unsigned& out, std::string& error) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > limit) {
    error = fmt::format("option {} needs {} from 1 to {}, got \"{}\"", name, what, limit, text);
    return;
  }
  out = value;
}

// --allow and --deny: comma-separated prefixes, each checked here so a typo
// stops the daemon at its start with the option named.
void parse_access_option(const std::string& list, bool allow, Options& o, std::string& error) {
  (allow ? o.allow_given : o.deny_given) = true;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    std::string one = list.substr(start, comma == std::string::npos ? comma : comma - start);
    std::string problem;
    auto prefix = limits::parse_prefix(one, problem);
    if (!prefix) {
      error = fmt::format("option --{}: {}", allow ? "allow" : "deny", problem);
      return;
    }
    o.access_rules.push_back({*prefix, allow});
    if (comma == std::string::npos) return;
    start = comma + 1;
  }
}

// The options without a value that have only a long form; false when `arg`
// is none of them.
bool parse_long_flag(const std::string& arg, Options& o) {
  if (arg == "--help") {
    o.help = true;
  } else if (arg == "--version") {
    o.version = true;
  } else if (arg == "--new-session") {
    o.new_session = true;
  } else if (arg == "--no-peer-addresses") {
    o.no_peer_addresses = true;
  } else if (arg == "--check") {
    o.check_only = true;
  } else if (arg == "--convert") {
    o.convert = true;
  } else if (arg == "--status") {
    o.query = Options::Query::status;
  } else if (arg == "--metrics") {
    o.query = Options::Query::metrics;
  } else if (arg == "--no-control") {
    o.no_control = true;
  } else if (arg == "--fd-store") {
    o.fd_store = true;
  } else {
    return false;
  }
  return true;
}

// The long options with a value: true when args[i] is one of them, its value
// taken (and `i` past it). A missing or bad value sets result.error, whether
// or not this returns true.
bool parse_long_option(const std::vector<std::string>& args, std::size_t& i,
                       OptionsResult& result) {
  Options& o = result.options;
  std::string& error = result.error;
  if (auto value = long_option_value(args, i, "--login-conf", error)) {
    o.login_conf = *value;
  } else if (auto control = long_option_value(args, i, "--control", error)) {
    o.control = *control;
  } else if (args[i].starts_with("--status=")) {
    o.query = Options::Query::status;
    o.query_service = args[i].substr(9);
  } else if (auto idle = long_option_value(args, i, "--idle-timeout", error)) {
    parse_number(*idle, "--idle-timeout", "a number of seconds", 86400, o.idle_timeout, error);
  } else if (auto count = long_option_value(args, i, "--max-sessions", error)) {
    parse_number(*count, "--max-sessions", "a number", 1000000, o.max_sessions, error);
  } else if (auto load = long_option_value(args, i, "--load-timeout", error)) {
    parse_number(*load, "--load-timeout", "a number of seconds", 86400, o.load_timeout, error);
  } else if (auto children = long_option_value(args, i, "--max-children", error)) {
    parse_number(*children, "--max-children", "a number", 1000000, o.max_children, error);
  } else if (auto v4 = long_option_value(args, i, "--source-prefix-ipv4", error)) {
    parse_number(*v4, "--source-prefix-ipv4", "a prefix length", 32, o.source_prefix_v4, error);
  } else if (auto v6 = long_option_value(args, i, "--source-prefix-ipv6", error)) {
    parse_number(*v6, "--source-prefix-ipv6", "a prefix length", 128, o.source_prefix_v6, error);
  } else if (auto allow = long_option_value(args, i, "--allow", error)) {
    parse_access_option(*allow, true, o, error);
  } else if (auto deny = long_option_value(args, i, "--deny", error)) {
    parse_access_option(*deny, false, o, error);
  } else {
    return false;
  }
  return true;
}

// FreeBSD's -c, -C, -R and -s: a number, 0 for no limit.
void parse_limit_option(char letter, const std::string& text, Options& o, std::string& error) {
  constexpr unsigned kLimit = 1'000'000'000;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > kLimit) {
    error = fmt::format("option -{} needs a number from 0 (no limit) to {}, got \"{}\"", letter,
                        kLimit, text);
    return;
  }
  switch (letter) {
    case 'c':
      o.max_child = value;
      break;
    case 'C':
      o.max_conn_per_ip_per_minute = value;
      break;
    case 'R':
      o.max_per_minute = value;
      break;
    default:
      o.max_child_per_ip = value;
      break;
  }
}

// A cluster of one-letter options ("-dl", "-pFILE", "-p FILE") at args[i];
// an unknown letter or a -p without its file sets result.error.
void parse_short_options(const std::vector<std::string>& args, std::size_t& i,
                         OptionsResult& result) {
  Options& o = result.options;
  const std::string& arg = args[i];
  for (std::size_t j = 1; j < arg.size(); ++j) {
    switch (arg[j]) {
      case 'd':
        o.foreground = true;
        o.log_to_stderr = true;
        break;
      case 'i':
        o.foreground = true;
        break;
      case 'l':
        o.log_connections = true;
        break;
      case 'w':
        o.wrap_servers = true;
        break;
      case 'W':
        o.wrap_builtins = true;
        break;
      case 't':
        o.check_only = true;
        break;
      case 'h':
        o.help = true;
        break;
      case 'V':
        o.version = true;
        break;
      case 'p':
      case 'c':
      case 'C':
      case 'R':
      case 's': {
        std::string value;
        if (j + 1 < arg.size()) {
          value = arg.substr(j + 1);
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          result.error = arg[j] == 'p' ? "option -p needs a file name"
                                       : fmt::format("option -{} needs a number", arg[j]);
          return;
        }
        if (arg[j] == 'p')
          o.pidfile = value;
        else
          parse_limit_option(arg[j], value, o, result.error);
        j = arg.size();
        break;
      }
      default:
        result.error = std::string("unknown option -") + arg[j];
        return;
    }
  }
}

// The drop-in directory options as given: the directory of --include-dir,
// whether --no-include-dir came.
struct IncludeDirChoice {
  std::optional<std::string> dir;
  bool none = false;
};

// True when args[i] is --include-dir DIR or --no-include-dir (taken into
// `choice`); a missing value sets `error`.
bool parse_include_dir(const std::vector<std::string>& args, std::size_t& i,
                       IncludeDirChoice& choice, std::string& error) {
  if (args[i] == "--no-include-dir") {
    choice.none = true;
    return true;
  }
  if (auto dir = long_option_value(args, i, "--include-dir", error)) {
    choice.dir = *dir;
    return true;
  }
  return false;
}

// The drop-in directory: the one given, none, or by default /etc/inetd.d only
// for /etc/inetd.conf itself.
void settle_include_dir(const IncludeDirChoice& choice, OptionsResult& result) {
  Options& o = result.options;
  if (choice.dir && choice.none)
    result.error = "options --include-dir and --no-include-dir cannot be given together";
  else if (choice.dir && choice.dir->empty())
    result.error = "option --include-dir needs a directory";
  else if (choice.dir)
    o.include_dir = *choice.dir;
  else if (!choice.none && o.config == kDefaultConfig)
    o.include_dir = kDefaultIncludeDir;
}

// -x FILE, --xinetd FILE (or --xinetd=FILE): FILE is the configuration, in
// xinetd.conf's language. True when args[i] was one of them.
bool parse_xinetd(const std::vector<std::string>& args, std::size_t& i, bool& have_config,
                  OptionsResult& result) {
  std::optional<std::string> file;
  if (args[i] == "-x") {
    if (i + 1 == args.size()) {
      result.error = "option -x needs a file name";
      return false;
    }
    file = args[++i];
  } else {
    file = long_option_value(args, i, "--xinetd", result.error);
  }
  if (!file) return false;
  Options& o = result.options;
  if (have_config || o.xinetd) {
    result.error =
        "more than one configuration file given (\"" + o.config + "\" and \"" + *file + "\")";
    return false;
  }
  if (file->empty()) {
    result.error = "option -x needs a file name";
    return false;
  }
  o.config = *file;
  o.xinetd = true;
  have_config = true;
  return true;
}

// --status and --metrics: the word after --status names a service, not a
// configuration file; neither goes with another mode.
void settle_query(bool have_config, OptionsResult& result) {
  Options& o = result.options;
  if (o.control && o.control->empty()) result.error = "option --control needs a socket path";
  if (o.control && o.no_control)
    result.error = "options --control and --no-control cannot be given together";
  if (o.query == Options::Query::none) return;
  if (o.check_only || o.convert || o.xinetd)
    result.error = "options --status and --metrics go with no configuration option";
  if (have_config && (o.query == Options::Query::metrics || !o.query_service.empty()))
    result.error = fmt::format("unexpected argument \"{}\"", o.config);
  else if (have_config)
    o.query_service = o.config;
  o.config = kDefaultConfig;
}

}  // namespace

OptionsResult parse_options(const std::vector<std::string>& args) {
  OptionsResult result;
  Options& o = result.options;
  bool have_config = false;
  IncludeDirChoice include_dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (parse_long_flag(arg, o)) continue;
    bool had_dir = parse_include_dir(args, i, include_dir, result.error);
    if (!result.error.empty()) return result;
    if (had_dir) continue;
    bool had_value = parse_long_option(args, i, result);
    if (!result.error.empty()) return result;
    if (had_value) continue;
    bool had_xinetd = parse_xinetd(args, i, have_config, result);
    if (!result.error.empty()) return result;
    if (had_xinetd) continue;
    if (arg == "--") {
      if (i + 1 < args.size()) {
        o.config = args[++i];
        have_config = true;
      }
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
      parse_short_options(args, i, result);
      if (!result.error.empty()) return result;
    } else if (arg.starts_with("--")) {
      result.error = "unknown option " + arg;
      return result;
    } else if (!have_config) {
      o.config = arg;
      have_config = true;
    } else {
      result.error =
          "more than one configuration file given (\"" + o.config + "\" and \"" + arg + "\")";
      return result;
    }
  }
  if (o.pidfile && o.pidfile->empty()) result.error = "option -p needs a file name";
  settle_query(have_config, result);
  if (o.convert && o.check_only) result.error = "options --convert and -t cannot be given together";
  if (o.convert && !have_config) result.error = "option --convert needs a configuration file";
  if (result.error.empty()) settle_include_dir(include_dir, result);
  return result;
}

}  // namespace ninetd::daemon
