// Lifecycle steps that would otherwise cost berthd a helper process each
// (tens of ms on a loaded host, most of it exec and start-up): a pod's
// namespaces made and pinned, as util-linux unshare did, and a signal to a
// container's process that cannot reach a process which took over its pid;
// unmounts off the event loop; and a spawn that does not fork berthd.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <node_api.h>
#include "napi-util.h"

static napi_value errno_error(napi_env env, int e, const char *what, const char *where) {
  char msg[4400];
  snprintf(msg, sizeof msg, "%s%s%s: %s", what, where[0] ? " " : "", where, strerror(e));
  const char *name = strerrorname_np(e);
  napi_value code, message, error;
  napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  return error;
}

struct pin_job {
  // Files to pin each namespace to; "" leaves the thread in berthd's.
  char net[4096], ipc[4096], uts[4096];
  char hostname[256];
  int err;
  char what[64];
  char where[4096];
  napi_async_work work;
  napi_deferred deferred;
};

static void *pin_failed(struct pin_job *j, const char *what, const char *where) {
  j->err = errno;
  snprintf(j->what, sizeof j->what, "%s", what);
  snprintf(j->where, sizeof j->where, "%s", where);
  return NULL;
}

// A thread of its own unshares, since the namespaces of a thread are its
// own (net, ipc and uts may be unshared in a multi-threaded process); it
// sets the hostname, brings the loopback up (the CNI loopback plugin's
// whole job), bind-mounts each namespace to its file and ends, leaving
// the namespaces held by the mounts alone.
static void *pin_main(void *arg) {
  struct pin_job *j = arg;
  int flags = (j->net[0] ? CLONE_NEWNET : 0) | (j->ipc[0] ? CLONE_NEWIPC : 0) | (j->uts[0] ? CLONE_NEWUTS : 0);
  if (unshare(flags) != 0) return pin_failed(j, "unshare", "");
  if (j->uts[0] && sethostname(j->hostname, strlen(j->hostname)) != 0) return pin_failed(j, "sethostname", j->hostname);
  if (j->net[0]) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return pin_failed(j, "socket in the network namespace of", j->net);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP;
    ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    int e = errno;
    close(s);
    errno = e;
    if (!ok) return pin_failed(j, "bring up lo in the network namespace of", j->net);
  }
  const char *kinds[3] = {"net", "ipc", "uts"};
  const char *files[3] = {j->net, j->ipc, j->uts};
  for (int i = 0; i < 3; i++) {
    if (!files[i][0]) continue;
    char src[64];
    snprintf(src, sizeof src, "/proc/thread-self/ns/%s", kinds[i]);
    if (mount(src, files[i], NULL, MS_BIND, NULL) != 0) return pin_failed(j, "bind-mount the namespace to", files[i]);
  }
  return NULL;
}

static void pin_execute(napi_env env, void *data) {
  (void)env;
  struct pin_job *j = data;
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  int r = pthread_create(&thread, &attr, pin_main, j);
  pthread_attr_destroy(&attr);
  if (r != 0) {
    errno = r;
    pin_failed(j, "thread to make namespaces for", j->net[0] ? j->net : j->ipc[0] ? j->ipc : j->uts);
    return;
  }
  pthread_join(thread, NULL);
}

static void pin_complete(napi_env env, napi_status status, void *data) {
  struct pin_job *j = data;
  if (status != napi_ok && !j->err) {
    j->err = ECANCELED;
    snprintf(j->what, sizeof j->what, "make namespaces");
  }
  napi_value result;
  if (j->err) {
    napi_reject_deferred(env, j->deferred, errno_error(env, j->err, j->what, j->where));
  } else {
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, j->deferred, result);
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

// pinNamespaces(net: string, ipc: string, uts: string, hostname: string): Promise<void>
// Each path is the (existing, empty) file to pin that namespace to, or "".
// Runs off the event loop: making a network namespace takes the kernel a while.
static napi_value js_pin_namespaces(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct pin_job *j = calloc(1, sizeof *j);
  if (!j) {
    napi_throw_error(env, "ENOMEM", "pinNamespaces: out of memory");
    return NULL;
  }
  if (argc < 4 || get_string(env, argv[0], j->net, sizeof j->net) || get_string(env, argv[1], j->ipc, sizeof j->ipc) ||
      get_string(env, argv[2], j->uts, sizeof j->uts) || get_string(env, argv[3], j->hostname, sizeof j->hostname)) {
    free(j);
    CHECK(napi_invalid_arg);
  }
  napi_value promise, name;
  CHECK(napi_create_promise(env, &j->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "berth.pinNamespaces", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, pin_execute, pin_complete, j, &j->work));
  CHECK(napi_queue_async_work(env, j->work));
  return promise;
}

// Whether pidfd_open's errno says `pid` names no process to hold: ESRCH, or
// a number now used by a thread that does not lead its process (ENOENT on
// 6.x kernels, EINVAL on older ones); pids and thread ids share one number
// space, so a dead conmon's pid can come back as any program's thread.
static bool no_process(int e) { return e == ESRCH || e == ENOENT || e == EINVAL; }

// pidfdSignal(pid: number, signal: number, cgroupMark: string): boolean --
// signals `pid` only if its /proc/PID/cgroup names `cgroupMark` (the
// container's id), checked after the pidfd is held: a pid reused before
// pidfd_open fails the check, one reused after is not the pidfd's process.
// False when the process is gone or is not the container's.
static napi_value js_pidfd_signal(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t pid, sig;
  char mark[256];
  if (argc < 3 || get_string(env, argv[2], mark, sizeof mark) || !mark[0]) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_int32(env, argv[0], &pid));
  CHECK(napi_get_value_int32(env, argv[1], &sig));
  if (pid <= 0) CHECK(napi_invalid_arg);
  napi_value out;
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) {
    if (no_process(errno)) {
      CHECK(napi_get_boolean(env, false, &out));
      return out;
    }
    napi_throw(env, errno_error(env, errno, "pidfd_open", ""));
    return NULL;
  }
  char path[64], buf[16384];
  snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
  int cg = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = cg < 0 ? -1 : read(cg, buf, sizeof buf - 1);
  if (cg >= 0) close(cg);
  bool ours = n > 0 && (buf[n] = 0, strstr(buf, mark) != NULL);
  bool sent = false;
  int e = 0;
  if (ours) {
    sent = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
    e = sent || errno == ESRCH ? 0 : errno;
  }
  close(fd);
  if (e) {
    napi_throw(env, errno_error(env, e, "pidfd_send_signal to", path));
    return NULL;
  }
  CHECK(napi_get_boolean(env, sent, &out));
  return out;
}

// pidfdOpen(pid: number): number -- a pidfd (close-on-exec) for the
// process `pid` names now, or -1 if there is none (the number unused, or
// reused by a thread: see no_process).
static napi_value js_pidfd_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t pid;
  if (argc < 1) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_int32(env, argv[0], &pid));
  if (pid <= 0) CHECK(napi_invalid_arg);
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0 && !no_process(errno)) {
    napi_throw(env, errno_error(env, errno, "pidfd_open", ""));
    return NULL;
  }
  napi_value out;
  CHECK(napi_create_int32(env, fd < 0 ? -1 : fd, &out));
  return out;
}

// pidfdsExited(fds: Int32Array): Uint8Array -- 1 for each pidfd whose
// process has exited (a zombie counts: an orphan's new parent may never
// reap it), from one poll(2) that does not wait, instead of a system call
// per process.
static napi_value js_pidfds_exited(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type type;
  size_t n;
  void *data;
  if (argc < 1) CHECK(napi_invalid_arg);
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &n, &data, NULL, NULL));
  if (type != napi_int32_array) CHECK(napi_invalid_arg);
  const int32_t *fds = data;
  struct pollfd *p = calloc(n ? n : 1, sizeof *p);
  if (!p) {
    napi_throw(env, errno_error(env, ENOMEM, "pidfdsExited", ""));
    return NULL;
  }
  for (size_t i = 0; i < n; i++) p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
  int r;
  do r = poll(p, n, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    int e = errno;
    free(p);
    napi_throw(env, errno_error(env, e, "poll on pidfds", ""));
    return NULL;
  }
  napi_value buf, out;
  uint8_t *exited;
  if (napi_create_arraybuffer(env, n, (void **)&exited, &buf) != napi_ok) {
    free(p);
    CHECK(napi_generic_failure);
  }
  // POLLNVAL: not an open fd, so not a process held; reported as exited.
  for (size_t i = 0; i < n; i++) exited[i] = (p[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
  free(p);
  CHECK(napi_create_typedarray(env, napi_uint8_array, n, buf, 0, &out));
  return out;
}

struct umount_job {
  char target[4096];
  int flags;
  int err;
  napi_async_work work;
  napi_deferred deferred;
};

static void umount_execute(napi_env env, void *data) {
  (void)env;
  struct umount_job *j = data;
  if (umount2(j->target, j->flags) != 0) j->err = errno;
}

static void umount_complete(napi_env env, napi_status status, void *data) {
  struct umount_job *j = data;
  if (status != napi_ok && !j->err) j->err = ECANCELED;
  if (j->err) {
    napi_reject_deferred(env, j->deferred, errno_error(env, j->err, "umount", j->target));
  } else {
    napi_value result;
    napi_get_undefined(env, &result);
    napi_resolve_deferred(env, j->deferred, result);
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

// umount2Async(target: string, flags: number): Promise<void> -- umount2 on
// a worker thread: an unmount waits out an RCU grace period, which on a
// loaded host takes milliseconds, and several of them can wait together.
static napi_value js_umount2_async(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct umount_job *j = calloc(1, sizeof *j);
  if (!j) {
    napi_throw_error(env, "ENOMEM", "umount2Async: out of memory");
    return NULL;
  }
  uint32_t flags;
  if (argc < 2 || get_string(env, argv[0], j->target, sizeof j->target) || napi_get_value_uint32(env, argv[1], &flags) != napi_ok) {
    free(j);
    CHECK(napi_invalid_arg);
  }
  j->flags = (int)flags;
  napi_value promise, name;
  CHECK(napi_create_promise(env, &j->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "berth.umount2Async", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_async_work(env, NULL, name, umount_execute, umount_complete, j, &j->work));
  CHECK(napi_queue_async_work(env, j->work));
  return promise;
}

// spawn(file: string, args: string[], env: string[], cwd: string, stdio: number[], setsid: boolean): number
// Starts a program with posix_spawn, which glibc does with CLONE_VM|CLONE_VFORK:
// no copy of berthd's page tables and none of the copy-on-write faults
// that follow a fork, and the parent waits only until the child execs.
// libuv forks; from berthd (~100 MB resident) on a loaded host that blocked
// the event loop 20-140 ms per spawn, measured. stdio[i] is the fd the child
// gets as fd i, -1 for /dev/null. As libuv does, every signal is reset to
// its default and none is blocked in the child (Node ignores SIGPIPE). The
// file is looked up in berthd's PATH. Returns the pid; the exit must be
// collected with waitChild.
static napi_value js_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) CHECK(napi_invalid_arg);
  char file[4096], cwd[4096];
  if (get_string(env, argv[0], file, sizeof file) || get_string(env, argv[3], cwd, sizeof cwd)) CHECK(napi_invalid_arg);
  bool setsid_;
  CHECK(napi_get_value_bool(env, argv[5], &setsid_));
  uint32_t nargs, nenv, nstdio;
  CHECK(napi_get_array_length(env, argv[1], &nargs));
  CHECK(napi_get_array_length(env, argv[2], &nenv));
  CHECK(napi_get_array_length(env, argv[4], &nstdio));
  if (nstdio > 16) CHECK(napi_invalid_arg);
  char **args = calloc(nargs + 2, sizeof *args);
  char **envs = calloc(nenv + 1, sizeof *envs);
  int fds[16], moved[16];
  int nmoved = 0;
  napi_value result = NULL;
  int e = 0;
  const char *what = "spawn";
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  bool fa_ok = false, attr_ok = false;
  if (!args || !envs) {
    e = ENOMEM;
    goto out;
  }
  args[0] = strdup(file);
  for (uint32_t i = 0; i < nargs; i++) {
    napi_value v;
    size_t len;
    if (napi_get_element(env, argv[1], i, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      e = EINVAL;
      goto out;
    }
    args[i + 1] = malloc(len + 1);
    if (!args[i + 1]) {
      e = ENOMEM;
      goto out;
    }
    napi_get_value_string_utf8(env, v, args[i + 1], len + 1, &len);
  }
  for (uint32_t i = 0; i < nenv; i++) {
    napi_value v;
    size_t len;
    if (napi_get_element(env, argv[2], i, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      e = EINVAL;
      goto out;
    }
    envs[i] = malloc(len + 1);
    if (!envs[i]) {
      e = ENOMEM;
      goto out;
    }
    napi_get_value_string_utf8(env, v, envs[i], len + 1, &len);
  }
  for (uint32_t i = 0; i < nstdio; i++) {
    napi_value v;
    if (napi_get_element(env, argv[4], i, &v) != napi_ok || napi_get_value_int32(env, v, &fds[i]) != napi_ok) {
      e = EINVAL;
      goto out;
    }
    // An fd below the stdio count could be overwritten by an earlier dup2,
    // and one equal to its target would keep its close-on-exec flag: move it up.
    if (fds[i] >= 0 && fds[i] < (int)nstdio) {
      int up = fcntl(fds[i], F_DUPFD_CLOEXEC, 16);
      if (up < 0) {
        e = errno;
        what = "dup";
        goto out;
      }
      fds[i] = moved[nmoved++] = up;
    }
  }
  posix_spawn_file_actions_init(&fa);
  fa_ok = true;
  for (uint32_t i = 0; i < nstdio; i++) {
    if (fds[i] >= 0) posix_spawn_file_actions_adddup2(&fa, fds[i], (int)i);
    else posix_spawn_file_actions_addopen(&fa, (int)i, "/dev/null", O_RDWR, 0);
  }
  if (cwd[0]) posix_spawn_file_actions_addchdir_np(&fa, cwd);
  posix_spawnattr_init(&attr);
  attr_ok = true;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (setsid_ ? POSIX_SPAWN_SETSID : 0));
  pid_t pid;
  e = posix_spawnp(&pid, file, &fa, &attr, args, envs);
  if (!e) napi_create_int32(env, pid, &result);
out:
  if (fa_ok) posix_spawn_file_actions_destroy(&fa);
  if (attr_ok) posix_spawnattr_destroy(&attr);
  for (int i = 0; i < nmoved; i++) close(moved[i]);
  if (args)
    for (uint32_t i = 0; i < nargs + 1; i++) free(args[i]);
  if (envs)
    for (uint32_t i = 0; i < nenv; i++) free(envs[i]);
  free(args);
  free(envs);
  if (e) {
    napi_throw(env, errno_error(env, e, what, file));
    return NULL;
  }
  return result;
}

// pipe(): [readFd, writeFd], both close-on-exec.
static napi_value js_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    napi_throw(env, errno_error(env, errno, "pipe", ""));
    return NULL;
  }
  napi_value out, r, w;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_int32(env, p[0], &r));
  CHECK(napi_create_int32(env, p[1], &w));
  CHECK(napi_set_element(env, out, 0, r));
  CHECK(napi_set_element(env, out, 1, w));
  return out;
}

struct wait_job {
  pid_t pid;
  int status;
  int err;
  napi_threadsafe_function tsfn;
  napi_deferred deferred;
};

static void wait_resolve(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  (void)context;
  struct wait_job *j = data;
  if (env) {
    if (j->err) {
      napi_reject_deferred(env, j->deferred, errno_error(env, j->err, "waitpid", ""));
    } else {
      napi_value out, code, sig;
      napi_create_object(env, &out);
      napi_create_int32(env, WIFEXITED(j->status) ? WEXITSTATUS(j->status) : -1, &code);
      napi_create_int32(env, WIFSIGNALED(j->status) ? WTERMSIG(j->status) : 0, &sig);
      napi_set_named_property(env, out, "code", code);
      napi_set_named_property(env, out, "signal", sig);
      napi_resolve_deferred(env, j->deferred, out);
    }
  }
  napi_release_threadsafe_function(j->tsfn, napi_tsfn_release);
  free(j);
}

static void *wait_main(void *arg) {
  struct wait_job *j = arg;
  while (waitpid(j->pid, &j->status, 0) < 0) {
    if (errno != EINTR) {
      j->err = errno;
      break;
    }
  }
  napi_call_threadsafe_function(j->tsfn, j, napi_tsfn_blocking);
  return NULL;
}

// waitChild(pid: number): Promise<{ code: number; signal: number }> -- reaps a
// child started by spawn, in a thread of its own that blocks in waitpid
// (libuv reaps only the children it started). code is -1 when a signal ended it.
static napi_value js_wait_child(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t pid;
  if (argc < 1) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_int32(env, argv[0], &pid));
  if (pid <= 0) CHECK(napi_invalid_arg);
  struct wait_job *j = calloc(1, sizeof *j);
  if (!j) {
    napi_throw_error(env, "ENOMEM", "waitChild: out of memory");
    return NULL;
  }
  j->pid = pid;
  napi_value promise, name;
  CHECK(napi_create_promise(env, &j->deferred, &promise));
  CHECK(napi_create_string_utf8(env, "berth.waitChild", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, wait_resolve, &j->tsfn));
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int r = pthread_create(&thread, &attr, wait_main, j);
  pthread_attr_destroy(&attr);
  if (r != 0) {
    napi_release_threadsafe_function(j->tsfn, napi_tsfn_release);
    free(j);
    napi_throw(env, errno_error(env, r, "thread to wait for a child", ""));
    return NULL;
  }
  return promise;
}

void lifecycle_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"pinNamespaces", NULL, js_pin_namespaces, NULL, NULL, NULL, napi_default, NULL},
      {"pidfdSignal", NULL, js_pidfd_signal, NULL, NULL, NULL, napi_default, NULL},
      {"pidfdOpen", NULL, js_pidfd_open, NULL, NULL, NULL, napi_default, NULL},
      {"pidfdsExited", NULL, js_pidfds_exited, NULL, NULL, NULL, napi_default, NULL},
      {"umount2Async", NULL, js_umount2_async, NULL, NULL, NULL, napi_default, NULL},
      {"spawn", NULL, js_spawn, NULL, NULL, NULL, napi_default, NULL},
      {"pipe", NULL, js_pipe, NULL, NULL, NULL, napi_default, NULL},
      {"waitChild", NULL, js_wait_child, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
