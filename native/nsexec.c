// berth-nsexec: runs one stdin-less, tty-less process in a running runc
// container the way `runc exec` (1.1) does, without a runc (two Go runtimes
// and a libseccomp compile, ~50 ms of CPU) per exec. berthd gives it, on the
// command line, what runc exec would read from its state.json and the
// process spec; see src/host/nsexec.ts for the argument list.
//
// This process stays on the host (as runc exec does) and waits for the
// command, reaps it, and exits with its code or 128+signal; a SIGTERM (or
// berthd's death) kills the command. What it forks joins the container's
// namespaces, cgroups, session keyring, user, capabilities and seccomp
// filter in runc's order (libcontainer/nsenter/nsexec.c stage 2, then
// setns_init_linux.go) and execs the command after Go's exec.LookPath.
//
// `berth-nsexec seccomp PID` writes the seccomp filter of process PID (one
// struct sock_filter array) to stdout: the filter runc installed in the
// container's init, which runc exec would compile again.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define MAX_LIST 64

// Exit code when the command could not be started for a reason other than a missing or unrunnable file (as runc exec's 255).
#define SETUP_FAILED 255

struct opts {
  int pid;
  const char *mark;
  int nsflags;
  const char *cgroups[MAX_LIST];
  int ncgroups;
  const char *oom;
  const char *keyring;
  uid_t uid;
  gid_t gid;
  gid_t groups[MAX_LIST];
  int ngroups;
  const char *cwd;
  int nnp;
  uint64_t caps[5]; // bounding, effective, permitted, inheritable, ambient
  int rlimits[MAX_LIST];
  struct rlimit rlimit_values[MAX_LIST];
  int nrlimits;
  const char *seccomp;
  char **env;
  int nenv;
  char **argv;
  int cap_last; // read on the host: the container's /proc could say less and leave capabilities in the bounding set
};

static void die(int code, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  if (write(2, buf, n) < 0) _exit(code);
  _exit(code);
}

static uint64_t parse_u64(const char *s, int base, const char *what) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  if (errno || end == s || *end) die(SETUP_FAILED, "berth-nsexec: bad %s %s", what, s);
  return v;
}

static void parse(int argc, char **argv, struct opts *o) {
  memset(o, 0, sizeof *o);
  o->env = calloc(argc, sizeof(char *));
  if (!o->env) die(SETUP_FAILED, "berth-nsexec: out of memory");
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (i + 1 >= argc) die(SETUP_FAILED, "berth-nsexec: %s needs a value", a);
    const char *v = argv[++i];
    if (!strcmp(a, "-p")) o->pid = (int)parse_u64(v, 10, "pid");
    else if (!strcmp(a, "-m")) o->mark = v;
    else if (!strcmp(a, "-n")) o->nsflags = (int)parse_u64(v, 10, "namespace flags");
    else if (!strcmp(a, "-c") && o->ncgroups < MAX_LIST) o->cgroups[o->ncgroups++] = v;
    else if (!strcmp(a, "-o")) o->oom = v;
    else if (!strcmp(a, "-k")) o->keyring = v;
    else if (!strcmp(a, "-u")) o->uid = (uid_t)parse_u64(v, 10, "uid");
    else if (!strcmp(a, "-g")) o->gid = (gid_t)parse_u64(v, 10, "gid");
    else if (!strcmp(a, "-G") && o->ngroups < MAX_LIST) o->groups[o->ngroups++] = (gid_t)parse_u64(v, 10, "gid");
    else if (!strcmp(a, "-d")) o->cwd = v;
    else if (!strcmp(a, "-N")) o->nnp = (int)parse_u64(v, 10, "no_new_privs");
    else if (!strcmp(a, "-C")) {
      char *end;
      const char *p = v;
      for (int k = 0; k < 5; k++) {
        errno = 0;
        o->caps[k] = strtoull(p, &end, 16);
        if (errno || end == p || (k < 4 ? *end != ',' : *end != 0)) die(SETUP_FAILED, "berth-nsexec: bad capabilities %s", v);
        p = end + 1;
      }
    } else if (!strcmp(a, "-r") && o->nrlimits < MAX_LIST) {
      unsigned long long r, soft, hard;
      if (sscanf(v, "%llu,%llu,%llu", &r, &soft, &hard) != 3) die(SETUP_FAILED, "berth-nsexec: bad rlimit %s", v);
      o->rlimits[o->nrlimits] = (int)r;
      o->rlimit_values[o->nrlimits].rlim_cur = soft;
      o->rlimit_values[o->nrlimits].rlim_max = hard;
      o->nrlimits++;
    } else if (!strcmp(a, "-s")) o->seccomp = v;
    else if (!strcmp(a, "-e")) o->env[o->nenv++] = (char *)v;
    else die(SETUP_FAILED, "berth-nsexec: unknown option %s", a);
  }
  if (i >= argc || !o->pid || !o->mark) die(SETUP_FAILED, "berth-nsexec: usage: berth-nsexec -p PID -m CGROUP-MARK [options] -- CMD [ARG...]");
  o->argv = argv + i;
}

static char *read_all(int fd, size_t *len) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap && !(buf = realloc(buf, cap *= 2))) return NULL;
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      free(buf);
      return NULL;
    }
    if (r == 0) break;
    n += r;
  }
  *len = n;
  return buf;
}

// --- seccomp: copy a process's filter -------------------------------------

static int dump_seccomp(int pid) {
  // A stopped tracee answers within microseconds; one that never stops (already traced, frozen) must not hang berthd's call.
  alarm(5);
  if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) die(1, "berth-nsexec: seize %d: %s", pid, strerror(errno));
  if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) die(1, "berth-nsexec: interrupt %d: %s", pid, strerror(errno));
  int st;
  while (waitpid(pid, &st, __WALL) < 0)
    if (errno != EINTR) die(1, "berth-nsexec: wait for %d: %s", pid, strerror(errno));
  long count = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
  struct sock_filter *prog = NULL;
  int err = 0;
  if (count < 0) err = errno;
  else if (!(prog = calloc(count ? count : 1, sizeof *prog))) err = ENOMEM;
  else if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, prog) != count) err = errno;
  ptrace(PTRACE_DETACH, pid, 0, 0);
  if (err) die(1, "berth-nsexec: seccomp filter of %d: %s", pid, strerror(err));
  size_t len = count * sizeof *prog, off = 0;
  while (off < len) {
    ssize_t w = write(1, (char *)prog + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) die(1, "berth-nsexec: write: %s", strerror(errno));
    off += w;
  }
  return 0;
}

// --- the child: the container side ----------------------------------------

static const char *getenv_in(char **env, int n, const char *name) {
  size_t l = strlen(name);
  const char *found = NULL;
  for (int i = 0; i < n; i++)
    if (!strncmp(env[i], name, l) && env[i][l] == '=') found = env[i] + l + 1;
  return found;
}

// The home of the first /etc/passwd entry with `uid`, "/" if none, as runc's user.GetExecUser (a bad uid field reads as 0, as Go's Atoi there).
static char *home_of(uid_t uid) {
  int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return strdup("/");
  size_t len;
  char *buf = read_all(fd, &len);
  close(fd);
  if (!buf) return strdup("/");
  char *line = buf, *end = buf + len, *home = NULL;
  while (line < end && !home) {
    char *nl = memchr(line, '\n', end - line);
    if (!nl) nl = end;
    *nl = 0;
    while (*line == ' ' || *line == '\t' || *line == '\r') line++;
    char *f[7] = {0};
    int nf = 0;
    for (char *p = line; nf < 7;) {
      f[nf++] = p;
      char *c = strchr(p, ':');
      if (!c) break;
      *c = 0;
      p = c + 1;
    }
    if (*line) {
      char *e;
      long u = f[2] ? strtol(f[2], &e, 10) : 0;
      if (!f[2] || *e || e == f[2]) u = 0;
      if ((uid_t)u == uid) home = strdup(f[5] ? f[5] : "");
    }
    line = nl + 1;
  }
  free(buf);
  return home ? home : strdup("/");
}

static int cap_last(void) {
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  char b[16] = {0};
  int last = 40;
  if (fd >= 0) {
    if (read(fd, b, sizeof b - 1) > 0) last = atoi(b);
    close(fd);
  }
  return last;
}

// runc 1.1 takes no filter flags from the spec; the TSYNC its libseccomp adds changes nothing for one thread.
static void install_seccomp(struct sock_filter *prog, size_t n) {
  struct sock_fprog fp = {.len = (unsigned short)n, .filter = prog};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0) die(SETUP_FAILED, "berth-nsexec: seccomp: %s", strerror(errno));
}

// Exit code for a command that cannot be run: as berth reads runc's "exec failed" errors.
static int exec_error_code(int err) {
  if (err == ENOENT) return 127;
  if (err == EACCES || err == ENOEXEC) return 126;
  return SETUP_FAILED;
}

// Go's os/exec.findExecutable: exists, not a directory, some execute bit.
static int find_executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (!S_ISDIR(st.st_mode) && (st.st_mode & 0111)) return 0;
  return EACCES;
}

// Go's exec.LookPath (1.19, as runc 1.1 is built with): a name with a slash as is, else the first match along PATH, never a relative one.
static char *look_path(const char *file, char **env, int nenv) {
  if (strchr(file, '/')) {
    int err = find_executable(file);
    if (err) die(exec_error_code(err), "berth-nsexec: exec: \"%s\": %s", file, strerror(err));
    return (char *)file;
  }
  const char *path = getenv_in(env, nenv, "PATH");
  if (path && *path) {
    for (const char *p = path;;) {
      const char *colon = strchr(p, ':');
      size_t dl = colon ? (size_t)(colon - p) : strlen(p);
      char *cand = malloc(dl + strlen(file) + 3);
      if (!cand) die(SETUP_FAILED, "berth-nsexec: out of memory");
      if (dl) sprintf(cand, "%.*s/%s", (int)dl, p, file);
      else sprintf(cand, "./%s", file);
      if (!find_executable(cand)) {
        if (cand[0] != '/') die(SETUP_FAILED, "berth-nsexec: exec: \"%s\": cannot run executable found relative to current directory", file);
        return cand;
      }
      free(cand);
      if (!colon) break;
      p = colon + 1;
    }
  }
  die(127, "berth-nsexec: exec: \"%s\": executable file not found in $PATH", file);
  return NULL;
}

static void child(struct opts *o, int *cgfds, struct sock_filter *prog, size_t nprog) {
  sigset_t none;
  sigemptyset(&none);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  sigprocmask(SIG_SETMASK, &none, NULL);
  // glibc's SIGSETXID (33), which runc init's glibc handles, so its exec leaves it default; posix_spawn passes berthd's ignored one on.
  struct {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
  } dfl = {SIG_DFL, 0, NULL, 0};
  syscall(SYS_rt_sigaction, 33, &dfl, NULL, sizeof dfl.mask);
  // runc's stage 2: a session of its own, root, in the container's cgroups (runc's parent writes its pid to each).
  if (setsid() < 0) die(SETUP_FAILED, "berth-nsexec: setsid: %s", strerror(errno));
  for (int i = 0; i < o->ncgroups; i++) {
    if (write(cgfds[i], "0", 1) != 1) die(SETUP_FAILED, "berth-nsexec: join cgroup %s: %s", o->cgroups[i], strerror(errno));
    close(cgfds[i]);
  }
  // Closed, not only marked close-on-exec: nothing of the host stays open while container paths are resolved, and
  // before the container's filter, which runc (walking /proc/self/fd instead) never needed to allow close_range.
  if (syscall(SYS_close_range, 3, ~0U, 0) < 0) die(SETUP_FAILED, "berth-nsexec: close_range: %s", strerror(errno));
  for (int i = 0; i < o->nrlimits; i++)
    if (setrlimit(o->rlimits[i], &o->rlimit_values[i]) < 0) die(SETUP_FAILED, "berth-nsexec: setrlimit %d: %s", o->rlimits[i], strerror(errno));
  // setns_init_linux.go from here on.
  if (o->keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, o->keyring) < 0 && errno != ENOSYS)
    die(SETUP_FAILED, "berth-nsexec: unable to join session keyring: %s", strerror(errno));
  if (o->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die(SETUP_FAILED, "berth-nsexec: no_new_privs: %s", strerror(errno));
  if (prog && !o->nnp) install_seccomp(prog, nprog);
  int chdir_later = 0;
  if (o->cwd && *o->cwd && chdir(o->cwd) < 0) {
    if (errno != EACCES && errno != EPERM) die(SETUP_FAILED, "berth-nsexec: chdir to cwd (\"%s\") set in config.json failed: %s", o->cwd, strerror(errno));
    chdir_later = 1;
  }
  int last = o->cap_last;
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) < 0) die(SETUP_FAILED, "berth-nsexec: capget: %s", strerror(errno));
  if (data[0].effective & (1u << CAP_SETPCAP))
    for (int c = 0; c <= last; c++)
      if (!(o->caps[0] >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
        die(SETUP_FAILED, "berth-nsexec: unable to apply bounding set: %s", strerror(errno));
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) die(SETUP_FAILED, "berth-nsexec: keepcaps: %s", strerror(errno));
  char *home = getenv_in(o->env, o->nenv, "HOME") && *getenv_in(o->env, o->nenv, "HOME") ? NULL : home_of(o->uid);
  // runc's fixStdioPermissions: the command may reopen its stdout and stderr (/dev/stdout) as its own user.
  struct stat null_st;
  if (stat("/dev/null", &null_st) < 0) die(SETUP_FAILED, "berth-nsexec: stat /dev/null: %s", strerror(errno));
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0) die(SETUP_FAILED, "berth-nsexec: fstat %d: %s", fd, strerror(errno));
    if (st.st_uid == o->uid || st.st_rdev == null_st.st_rdev) continue;
    if (fchown(fd, o->uid, st.st_gid) < 0 && errno != EINVAL && errno != EPERM && errno != EROFS)
      die(SETUP_FAILED, "berth-nsexec: chown stdio: %s", strerror(errno));
  }
  if (setgroups(o->ngroups, o->groups) < 0) die(SETUP_FAILED, "berth-nsexec: setgroups: %s", strerror(errno));
  if (syscall(SYS_setgid, o->gid) < 0) die(SETUP_FAILED, "berth-nsexec: setgid: %s", strerror(errno));
  if (syscall(SYS_setuid, o->uid) < 0) die(SETUP_FAILED, "berth-nsexec: setuid: %s", strerror(errno));
  if (home) {
    char *h = malloc(strlen(home) + 6);
    if (!h) die(SETUP_FAILED, "berth-nsexec: out of memory");
    sprintf(h, "HOME=%s", home);
    // Go's Setenv replaces an empty HOME where it stands.
    int at = -1;
    for (int i = 0; i < o->nenv; i++)
      if (!strncmp(o->env[i], "HOME=", 5)) at = i;
    if (at >= 0) o->env[at] = h;
    else o->env[o->nenv++] = h;
  }
  if (chdir_later && chdir(o->cwd) < 0) die(SETUP_FAILED, "berth-nsexec: chdir to cwd (\"%s\") set in config.json failed: %s", o->cwd, strerror(errno));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) die(SETUP_FAILED, "berth-nsexec: keepcaps: %s", strerror(errno));
  uint64_t mask = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
  for (int k = 0; k < 2; k++) {
    data[k].effective = (uint32_t)((o->caps[1] & mask) >> (32 * k));
    data[k].permitted = (uint32_t)((o->caps[2] & mask) >> (32 * k));
    data[k].inheritable = (uint32_t)((o->caps[3] & mask) >> (32 * k));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) die(SETUP_FAILED, "berth-nsexec: unable to apply caps: %s", strerror(errno));
  // runc lowers every ambient capability it does not raise: the same as clearing all first.
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) die(SETUP_FAILED, "berth-nsexec: unable to apply caps: %s", strerror(errno));
  for (int c = 0; c <= last; c++)
    if ((o->caps[4] >> c & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 && errno != EINVAL)
      die(SETUP_FAILED, "berth-nsexec: unable to apply caps: %s", strerror(errno));
  o->env[o->nenv] = NULL;
  char *name = look_path(o->argv[0], o->env, o->nenv);
  if (prog && o->nnp) install_seccomp(prog, nprog);
  for (;;) {
    execve(name, o->argv, o->env);
    if (errno != EINTR) break;
  }
  die(exec_error_code(errno), "berth-nsexec: exec: \"%s\": %s", name, strerror(errno));
}

// --- the host side ---------------------------------------------------------

static volatile pid_t child_pid;
static volatile sig_atomic_t stop_asked;

static void on_stop(int sig) {
  (void)sig;
  stop_asked = 1;
  if (child_pid > 0) kill(child_pid, SIGKILL);
}

// Whether /proc/PID/cgroup names `mark` (the container's id): the pidfd is that container's init, not a process that took its number.
static int is_container(int pid, const char *mark) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t len;
  char *buf = read_all(fd, &len);
  close(fd);
  if (!buf) return 0;
  int found = memmem(buf, len, mark, strlen(mark)) != NULL;
  free(buf);
  return found;
}

static int run(int argc, char **argv) {
  struct opts o;
  parse(argc, argv, &o);
  struct sigaction sa = {0};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  // berthd gone: nothing would report this exec, so it ends.
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  if (getppid() == 1) return SETUP_FAILED;
  int pidfd = (int)syscall(SYS_pidfd_open, o.pid, 0);
  if (pidfd < 0) die(SETUP_FAILED, "berth-nsexec: container process %d: %s", o.pid, strerror(errno));
  if (!is_container(o.pid, o.mark) || syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
    die(SETUP_FAILED, "berth-nsexec: process %d is no longer the container's", o.pid);
  // Opened while the host's /sys/fs/cgroup is still in view: the child writes to them from inside the container's mount namespace.
  int cgfds[MAX_LIST];
  for (int i = 0; i < o.ncgroups; i++) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/cgroup.procs", o.cgroups[i]);
    if ((cgfds[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0) die(SETUP_FAILED, "berth-nsexec: open %s: %s", path, strerror(errno));
  }
  struct sock_filter *prog = NULL;
  size_t nprog = 0;
  if (o.seccomp) {
    int fd = open(o.seccomp, O_RDONLY | O_CLOEXEC);
    size_t len = 0;
    if (fd < 0 || !(prog = (struct sock_filter *)read_all(fd, &len)) || !len || len % sizeof *prog)
      die(SETUP_FAILED, "berth-nsexec: seccomp filter %s unreadable", o.seccomp);
    close(fd);
    nprog = len / sizeof *prog;
  }
  // As runc's stage 0: the oom score before becoming non-dumpable (which makes /proc/self read-only to us), inherited by the child.
  if (o.oom) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, o.oom, strlen(o.oom)) < 0) die(SETUP_FAILED, "berth-nsexec: oom_score_adj: %s", strerror(errno));
    close(fd);
  }
  // Nothing in the container may ptrace or read /proc of this process while it holds host resources.
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die(SETUP_FAILED, "berth-nsexec: dumpable: %s", strerror(errno));
  o.cap_last = cap_last();
  // stdin is an empty pipe: the /dev/null berthd's spawn gives is the host's, whose mode and owner a root command could change.
  int nostdin[2];
  if (pipe2(nostdin, 0) < 0) die(SETUP_FAILED, "berth-nsexec: pipe: %s", strerror(errno));
  close(nostdin[1]);
  if (dup2(nostdin[0], 0) < 0) die(SETUP_FAILED, "berth-nsexec: stdin: %s", strerror(errno));
  if (nostdin[0] != 0) close(nostdin[0]);
  if (o.nsflags && setns(pidfd, o.nsflags) < 0) die(SETUP_FAILED, "berth-nsexec: join namespaces of %d: %s", o.pid, strerror(errno));
  close(pidfd);
  sigset_t stops, old;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  sigaddset(&stops, SIGHUP);
  sigprocmask(SIG_BLOCK, &stops, &old);
  if (stop_asked) return 128 + SIGKILL;
  pid_t pid = fork();
  if (pid < 0) die(SETUP_FAILED, "berth-nsexec: fork: %s", strerror(errno));
  if (pid == 0) child(&o, cgfds, prog, nprog);
  child_pid = pid;
  sigprocmask(SIG_SETMASK, &old, NULL);
  for (int i = 0; i < o.ncgroups; i++) close(cgfds[i]);
  for (;;) {
    int st;
    pid_t w = waitpid(-1, &st, __WALL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) die(SETUP_FAILED, "berth-nsexec: wait: %s", strerror(errno));
    if (w != pid) continue;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "seccomp")) return dump_seccomp((int)parse_u64(argv[2], 10, "pid"));
  return run(argc, argv);
}
