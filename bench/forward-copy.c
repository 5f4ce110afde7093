/*
 * forward-copy: what the two ways of forwarding a TCP connection cost, for
 * the choice the redirect forwarder (src/forward/) makes: plain buffered
 * recv/send through a user-space buffer, or splice(2) through a pipe (the
 * bytes stay in the kernel). The relay runs as the daemon's does: one thread,
 * non-blocking sockets, a bounded amount per direction, each side's end of
 * file passed on as shutdown(SHUT_WR). Clients and the target run in other
 * threads on loopback.
 *
 *   forward-copy bulk  STRATEGY [MIB]   one connection, MIB (default 2048) one way:
 *                                       MB/s and the relay's CPU per MiB
 *   forward-copy small STRATEGY [N]     N connections (default 20000), 64 bytes there and
 *                                       back each: connections/s and relay CPU per connection
 *
 * STRATEGY: buffered (16 KiB buffer, the forwarder's cap), buffered64 (64 KiB),
 * splice (a pipe of the default 64 KiB), splice16 (a pipe of 16 KiB: the same
 * bound on what a direction holds as buffered).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kSmallBytes = 64 };

static int use_splice;
static size_t buffer_size = 16384;
static int pipe_size; /* 0: the kernel's default */
static struct sockaddr_in front_addr, back_addr;
static int front_listener, back_listener;
static long long bulk_bytes;
static int small_count;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int listen_on(struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(*addr);
  if (bind(fd, (struct sockaddr *)addr, length) < 0 || listen(fd, 1024) < 0) die("listen");
  getsockname(fd, (struct sockaddr *)addr, &length);
  return fd;
}

static int connect_to(const struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0) die("connect");
  return fd;
}

/* One direction of the relay. */
struct direction {
  int from, to;
  char *buffer;        /* buffered */
  size_t held, offset; /* buffered: bytes held and where they start */
  int pipe_r, pipe_w;  /* splice */
  size_t in_pipe, pipe_cap;
  int ended, shut;
};

static void direction_open(struct direction *d, int from, int to) {
  memset(d, 0, sizeof(*d));
  d->from = from;
  d->to = to;
  if (!use_splice) {
    d->buffer = malloc(buffer_size);
    return;
  }
  int p[2];
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) die("pipe2");
  d->pipe_r = p[0];
  d->pipe_w = p[1];
  if (pipe_size > 0 && fcntl(d->pipe_w, F_SETPIPE_SZ, pipe_size) < 0) die("F_SETPIPE_SZ");
  d->pipe_cap = (size_t)fcntl(d->pipe_w, F_GETPIPE_SZ);
}

static void direction_close(struct direction *d) {
  free(d->buffer);
  if (use_splice) {
    close(d->pipe_r);
    close(d->pipe_w);
  }
}

static int wants_read(const struct direction *d) {
  return !d->ended && (use_splice ? d->in_pipe < d->pipe_cap : d->held == 0);
}

static int wants_write(const struct direction *d) { return use_splice ? d->in_pipe > 0 : d->held > 0; }

/* Moves what it can; -1 on a failed socket. */
static int direction_step(struct direction *d) {
  for (int i = 0; i < 8; ++i) {
    int moved = 0;
    if (wants_write(d)) {
      ssize_t n = use_splice ? splice(d->pipe_r, NULL, d->to, NULL, d->in_pipe,
                                      SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
                             : send(d->to, d->buffer + d->offset, d->held,
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN) return -1;
      if (n > 0) {
        moved = 1;
        if (use_splice) {
          d->in_pipe -= (size_t)n;
        } else {
          d->held -= (size_t)n;
          d->offset = d->held == 0 ? 0 : d->offset + (size_t)n;
        }
      }
    }
    if (wants_read(d)) {
      ssize_t n = use_splice ? splice(d->from, NULL, d->pipe_w, NULL, d->pipe_cap - d->in_pipe,
                                      SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
                             : recv(d->from, d->buffer, buffer_size, MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN) return -1;
      if (n == 0) d->ended = 1;
      if (n > 0) {
        moved = 1;
        if (use_splice)
          d->in_pipe += (size_t)n;
        else
          d->held = (size_t)n;
      }
    }
    if (!moved) break;
  }
  if (d->ended && !wants_write(d) && !d->shut) {
    shutdown(d->to, SHUT_WR);
    d->shut = 1;
  }
  return 0;
}

/* Forwards between a and b until both directions are done. */
static void relay(int a, int b) {
  fcntl(a, F_SETFL, O_NONBLOCK);
  fcntl(b, F_SETFL, O_NONBLOCK);
  struct direction up, down;
  direction_open(&up, a, b);
  direction_open(&down, b, a);
  while (!(up.shut && down.shut)) {
    struct pollfd fds[2] = {{a, 0, 0}, {b, 0, 0}};
    if (wants_read(&up)) fds[0].events |= POLLIN;
    if (wants_write(&down)) fds[0].events |= POLLOUT;
    if (wants_read(&down)) fds[1].events |= POLLIN;
    if (wants_write(&up)) fds[1].events |= POLLOUT;
    if (poll(fds, 2, -1) < 0 && errno != EINTR) die("poll");
    if (direction_step(&up) < 0 || direction_step(&down) < 0) break;
  }
  direction_close(&up);
  direction_close(&down);
}

static void *bulk_sender(void *unused) {
  (void)unused;
  int fd = connect_to(&front_addr);
  static char block[1 << 16];
  memset(block, 'x', sizeof(block));
  for (long long left = bulk_bytes; left > 0;) {
    ssize_t n = send(fd, block, left < (long long)sizeof(block) ? (size_t)left : sizeof(block), 0);
    if (n <= 0) die("send");
    left -= n;
  }
  shutdown(fd, SHUT_WR);
  char c;
  while (recv(fd, &c, 1, 0) > 0) {
  }
  close(fd);
  return NULL;
}

static void *bulk_sink(void *unused) {
  (void)unused;
  int fd = accept4(back_listener, NULL, NULL, SOCK_CLOEXEC);
  static char block[1 << 16];
  long long got = 0;
  for (ssize_t n; (n = recv(fd, block, sizeof(block), 0)) > 0;) got += n;
  if (got != bulk_bytes) fprintf(stderr, "sink got %lld of %lld bytes\n", got, bulk_bytes);
  close(fd);
  return NULL;
}

static void *small_clients(void *unused) {
  (void)unused;
  char out[kSmallBytes], in[kSmallBytes];
  memset(out, 'q', sizeof(out));
  for (int i = 0; i < small_count; ++i) {
    int fd = connect_to(&front_addr);
    if (send(fd, out, sizeof(out), 0) != (ssize_t)sizeof(out)) die("client send");
    shutdown(fd, SHUT_WR);
    size_t got = 0;
    for (ssize_t n; (n = recv(fd, in + got, sizeof(in) - got, 0)) > 0;) got += (size_t)n;
    if (got != sizeof(in)) die("client short answer");
    close(fd);
  }
  return NULL;
}

static void *small_target(void *unused) {
  (void)unused;
  char buffer[kSmallBytes];
  for (int i = 0; i < small_count; ++i) {
    int fd = accept4(back_listener, NULL, NULL, SOCK_CLOEXEC);
    size_t got = 0;
    for (ssize_t n; got < sizeof(buffer) && (n = recv(fd, buffer + got, sizeof(buffer) - got, 0)) > 0;)
      got += (size_t)n;
    send(fd, buffer, got, MSG_NOSIGNAL);
    close(fd);
  }
  return NULL;
}

static void choose(const char *strategy) {
  if (strcmp(strategy, "buffered") == 0) return;
  if (strcmp(strategy, "buffered64") == 0) {
    buffer_size = 65536;
    return;
  }
  use_splice = 1;
  if (strcmp(strategy, "splice16") == 0) pipe_size = 16384;
  else if (strcmp(strategy, "splice") != 0) die("strategy: buffered, buffered64, splice, splice16");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: forward-copy bulk|small STRATEGY [MIB|N]\n");
    return 2;
  }
  choose(argv[2]);
  front_listener = listen_on(&front_addr);
  back_listener = listen_on(&back_addr);
  int bulk = strcmp(argv[1], "bulk") == 0;
  pthread_t one, two;
  double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
  if (bulk) {
    bulk_bytes = (argc > 3 ? atoll(argv[3]) : 2048) << 20;
    pthread_create(&one, NULL, bulk_sender, NULL);
    pthread_create(&two, NULL, bulk_sink, NULL);
    int a = accept4(front_listener, NULL, NULL, SOCK_CLOEXEC);
    int b = connect_to(&back_addr);
    relay(a, b);
    close(a);
    close(b);
  } else {
    small_count = argc > 3 ? atoi(argv[3]) : 20000;
    pthread_create(&one, NULL, small_clients, NULL);
    pthread_create(&two, NULL, small_target, NULL);
    for (int i = 0; i < small_count; ++i) {
      int a = accept4(front_listener, NULL, NULL, SOCK_CLOEXEC);
      int b = connect_to(&back_addr);
      relay(a, b);
      close(a);
      close(b);
    }
  }
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  wall = seconds(CLOCK_MONOTONIC) - wall;
  cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
  if (bulk)
    printf("bulk %-10s %6.0f MB/s  relay CPU %6.1f us/MiB\n", argv[2],
           (double)bulk_bytes / 1e6 / wall, cpu * 1e6 / (double)(bulk_bytes >> 20));
  else
    printf("small %-10s %6.0f conn/s  relay CPU %5.1f us/conn\n", argv[2], small_count / wall,
           cpu * 1e6 / small_count);
  return 0;
}
