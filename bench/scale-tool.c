/*
 * scale-tool: the two helpers bench/scale needs that a shell does badly.
 *
 *   scale-tool wait FILE OFFSET TEXT T0 [TIMEOUT_S [PID]]
 *     Polls FILE (every millisecond, reading only what is new) until a byte at
 *     or after OFFSET starts TEXT; prints the milliseconds since T0 (bash's
 *     $EPOCHREALTIME taken before the daemon was started or signalled). A shell
 *     loop around grep would cost the daemon CPU on a 2-core machine, and
 *     reading the daemon's stderr through a pipe would let a slow reader hold
 *     the daemon up: it writes to a file, which this follows.
 *     Exit 1 when TEXT does not come within TIMEOUT_S (default 60), or once
 *     process PID (the writer) has exited without writing it.
 *
 *   scale-tool hold PORT COUNT
 *     Opens COUNT TCP connections to 127.0.0.1:PORT (an echo service), sends a
 *     few bytes on each and reads them back, so each is a session in the
 *     daemon and not just a connection in its accept queue; prints "held COUNT"
 *     and keeps them open and idle until SIGTERM or SIGINT. Raises its own
 *     RLIMIT_NOFILE (the hard one too, which needs root) to hold them.
 *     Exit 1 when an echo does not come back (a session bound reached).
 *
 * Build: cc -O2 -Wall -o scale-tool bench/scale-tool.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_epoch(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Gone or a zombie: it writes nothing more. */
static int exited(long pid) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return 1;
  int zombie = 0;
  if (fgets(line, sizeof line, f)) {
    char *end = strrchr(line, ')');
    zombie = end && end[1] == ' ' && end[2] == 'Z';
  }
  fclose(f);
  return zombie;
}

static int wait_for(const char *path, long offset, const char *text, double t0, double timeout,
                    long pid) {
  size_t text_len = strlen(text);
  size_t cap = 1 << 20, len = 0;
  char *buf = malloc(cap);
  long pos = offset;
  size_t scanned = 0; /* bytes of buf already searched, less a possible partial match */
  struct timespec tick = {0, 1000000};
  FILE *f = NULL;
  int gone = 0;
  if (!buf) return 2;
  for (;;) {
    if (!f) f = fopen(path, "rb");
    if (f && fseek(f, pos, SEEK_SET) == 0) {
      for (;;) {
        if (len == cap) {
          /* keep only the tail a match could still start in */
          size_t keep = text_len < len ? text_len : len;
          memmove(buf, buf + len - keep, keep);
          len = keep;
          scanned = 0;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
        pos += (long)n;
      }
      clearerr(f);
      if (len >= text_len) {
        void *hit = memmem(buf + scanned, len - scanned, text, text_len);
        if (hit) {
          printf("%.1f\n", (now_epoch() - t0) * 1000.0);
          return 0;
        }
        scanned = len - text_len + 1;
      }
    }
    if (pid > 0 && exited(pid) && !gone) {
      gone = 1; /* one more read: what it wrote before exiting */
      continue;
    }
    if (gone) {
      fprintf(stderr, "scale-tool: process %ld exited without writing \"%s\" to %s\n", pid,
              text, path);
      return 1;
    }
    if (now_epoch() - t0 > timeout) {
      fprintf(stderr, "scale-tool: \"%s\" not in %s after %.0f s\n", text, path, timeout);
      return 1;
    }
    nanosleep(&tick, NULL);
  }
}

static volatile sig_atomic_t stop;
static void on_stop(int sig) { (void)sig; stop = 1; }

static int raise_nofile(long want) {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
  if (lim.rlim_cur != RLIM_INFINITY && (long)lim.rlim_cur >= want) return 0;
  if (lim.rlim_max != RLIM_INFINITY && (long)lim.rlim_max < want) lim.rlim_max = (rlim_t)want;
  lim.rlim_cur = (rlim_t)want;
  return setrlimit(RLIMIT_NOFILE, &lim);
}

static int hold(int port, long count) {
  /* Windows of connections in flight: fast, and well inside the listen backlog. */
  const long window = 64;
  const char ping[] = "ping\n";
  const size_t ping_len = sizeof ping - 1;
  struct sockaddr_in to;
  if (raise_nofile(count + 32) != 0) {
    fprintf(stderr, "scale-tool: cannot raise RLIMIT_NOFILE to %ld: %s\n", count + 32,
            strerror(errno));
    return 2;
  }
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((unsigned short)port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int *fds = calloc((size_t)count, sizeof *fds);
  if (!fds) return 2;
  for (long first = 0; first < count; first += window) {
    long last = first + window < count ? first + window : count;
    for (long i = first; i < last; i++) {
      fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&to, sizeof to) != 0) {
        fprintf(stderr, "scale-tool: connection %ld: %s\n", i, strerror(errno));
        return 1;
      }
      if (send(fds[i], ping, ping_len, MSG_NOSIGNAL) != (ssize_t)ping_len) {
        fprintf(stderr, "scale-tool: send on connection %ld: %s\n", i, strerror(errno));
        return 1;
      }
    }
    for (long i = first; i < last; i++) {
      char back[sizeof ping];
      size_t got = 0;
      while (got < ping_len) {
        struct pollfd p = {fds[i], POLLIN, 0};
        if (poll(&p, 1, 10000) != 1) {
          fprintf(stderr,
                  "scale-tool: no echo on connection %ld within 10 s (%ld answered): a "
                  "session bound?\n",
                  i, i);
          return 1;
        }
        ssize_t n = recv(fds[i], back + got, ping_len - got, 0);
        if (n <= 0) {
          fprintf(stderr, "scale-tool: connection %ld closed after %zu bytes\n", i, got);
          return 1;
        }
        got += (size_t)n;
      }
      if (memcmp(back, ping, ping_len) != 0) {
        fprintf(stderr, "scale-tool: connection %ld echoed other bytes\n", i);
        return 1;
      }
    }
  }
  printf("held %ld\n", count);
  fflush(stdout);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  while (!stop) pause();
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 6 && strcmp(argv[1], "wait") == 0)
    return wait_for(argv[2], atol(argv[3]), argv[4], atof(argv[5]),
                    argc > 6 ? atof(argv[6]) : 60.0, argc > 7 ? atol(argv[7]) : 0);
  if (argc == 4 && strcmp(argv[1], "hold") == 0) return hold(atoi(argv[2]), atol(argv[3]));
  fprintf(stderr,
          "usage: scale-tool wait FILE OFFSET TEXT T0 [TIMEOUT_S [PID]]\n"
          "       scale-tool hold PORT COUNT\n");
  return 2;
}
