#include "daemon/options.h"

namespace ninetd::daemon {

const char* usage_text() {
  return "usage: ninetd [-dl] [-p pidfile] [--login-conf file] [configuration-file]\n"
         "       ninetd -t|--check [--login-conf file] [configuration-file]\n"
         "\n"
         "An Internet super-server: reads an inetd.conf (default /etc/inetd.conf), listens on\n"
         "every service's socket and starts the configured server for each connection.\n"
         "\n"
         "  -d            stay in the foreground and log to stderr (debug)\n"
         "  -l            log every connection (service, client address, server pid)\n"
         "  -p pidfile    write and lock this pid file (default /run/ninetd.pid; none with -d\n"
         "                unless given)\n"
         "  -t, --check   check the configuration file, print every problem, exit 0 if it has\n"
         "                no error and 1 otherwise\n"
         "  --login-conf file\n"
         "                read the login classes of \"user/class\" entries from this file, in\n"
         "                FreeBSD's login.conf(5) format (default /etc/login.conf)\n"
         "  -h, --help    print this help\n"
         "  -V, --version print the version\n"
         "\n"
         "Signals: HUP reloads the configuration, TERM and INT stop, USR1 logs the service\n"
         "table with counters. See ninetd(8) and ninetd.conf(5).\n";
}

OptionsResult parse_options(const std::vector<std::string>& args) {
  OptionsResult result;
  Options& o = result.options;
  bool have_config = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help") {
      o.help = true;
    } else if (arg == "--version") {
      o.version = true;
    } else if (arg == "--check") {
      o.check_only = true;
    } else if (arg == "--login-conf" || arg.starts_with("--login-conf=")) {
      if (arg.size() > 12) {
        o.login_conf = arg.substr(13);
      } else if (i + 1 < args.size()) {
        o.login_conf = args[++i];
      } else {
        result.error = "option --login-conf needs a file name";
        return result;
      }
    } else if (arg == "--") {
      if (i + 1 < args.size()) {
        o.config = args[++i];
        have_config = true;
      }
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
      for (std::size_t j = 1; j < arg.size(); ++j) {
        switch (arg[j]) {
          case 'd': o.foreground = true; break;
          case 'l': o.log_connections = true; break;
          case 't': o.check_only = true; break;
          case 'h': o.help = true; break;
          case 'V': o.version = true; break;
          case 'p':
            if (j + 1 < arg.size()) {
              o.pidfile = arg.substr(j + 1);
            } else if (i + 1 < args.size()) {
              o.pidfile = args[++i];
            } else {
              result.error = "option -p needs a file name";
              return result;
            }
            j = arg.size();
            break;
          default:
            result.error = std::string("unknown option -") + arg[j];
            return result;
        }
      }
    } else if (arg.starts_with("--")) {
      result.error = "unknown option " + arg;
      return result;
    } else if (!have_config) {
      o.config = arg;
      have_config = true;
    } else {
      result.error = "more than one configuration file given (\"" + o.config + "\" and \"" +
                     arg + "\")";
      return result;
    }
  }
  if (o.pidfile && o.pidfile->empty()) result.error = "option -p needs a file name";
  return result;
}

}  // namespace ninetd::daemon
