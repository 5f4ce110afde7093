// System calls that never touch errno. A child started with CLONE_VM but
// without CLONE_VFORK runs beside the daemon on the daemon's thread pointer, so
// a libc wrapper failing in it would write the daemon's errno while the daemon
// runs. These return the kernel's result: -errno on failure.
#pragma once

#if defined(__x86_64__) || defined(__aarch64__)
#define NINETD_HAVE_RAW_SYSCALL 1

namespace ninetd::spawn {

inline long raw_syscall(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
#if defined(__x86_64__)
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  long result;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                   : "rcx", "r11", "memory");
  return result;
#else
  register long x8 __asm__("x8") = number;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
#endif
}

}  // namespace ninetd::spawn

#else
#define NINETD_HAVE_RAW_SYSCALL 0
#endif
