// The few system calls berth needs that Node.js does not offer: device
// nodes and extended attributes for layer unpacking (overlay whiteouts are
// char devices 0/0, opaque dirs an xattr), and mount/umount for overlay
// rootfs and pinned namespaces without a mount(8) exec each time; and two sockets
// for the streaming server that Node cannot open itself: a TCP connection made
// inside a pod's network namespace, and conmon's SOCK_SEQPACKET attach socket.
// Each function throws a JS Error carrying errno's name as `code`, like Node's own fs errors.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <node_api.h>
#include "napi-util.h"

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case ENOTSUP: return "ENOTSUP";
    case ENODATA: return "ENODATA";
    case ENOSPC: return "ENOSPC";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case ERANGE: return "ERANGE";
    case EBUSY: return "EBUSY";
    case ENOTBLK: return "ENOTBLK";
    case ENODEV: return "ENODEV";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, const char *what, const char *path) {
  int e = errno;
  char msg[512];
  snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(e));
  napi_value code, message, error;
  napi_create_string_utf8(env, errno_name(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_throw(env, error);
  return NULL;
}

// mknod(path: string, mode: number, major: number, minor: number): void
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096];
  uint32_t mode, major, minor;
  if (argc < 4 || get_string(env, argv[0], path, sizeof path)) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_uint32(env, argv[1], &mode));
  CHECK(napi_get_value_uint32(env, argv[2], &major));
  CHECK(napi_get_value_uint32(env, argv[3], &minor));
  if (mknod(path, mode, makedev(major, minor)) != 0) return throw_errno(env, "mknod", path);
  return NULL;
}

// lsetxattr(path: string, name: string, value: Buffer): void -- never follows a symlink
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096], name[256];
  void *data;
  size_t len;
  if (argc < 3 || get_string(env, argv[0], path, sizeof path) || get_string(env, argv[1], name, sizeof name))
    CHECK(napi_invalid_arg);
  CHECK(napi_get_buffer_info(env, argv[2], &data, &len));
  if (lsetxattr(path, name, data, len, 0) != 0) return throw_errno(env, "lsetxattr", path);
  return NULL;
}

// lgetxattr(path: string, name: string): Buffer | null
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096], name[256];
  if (argc < 2 || get_string(env, argv[0], path, sizeof path) || get_string(env, argv[1], name, sizeof name))
    CHECK(napi_invalid_arg);
  char buf[65536];
  ssize_t n = lgetxattr(path, name, buf, sizeof buf);
  napi_value result;
  if (n < 0) {
    if (errno == ENODATA) {
      napi_get_null(env, &result);
      return result;
    }
    return throw_errno(env, "lgetxattr", path);
  }
  void *out;
  CHECK(napi_create_buffer_copy(env, (size_t)n, buf, &out, &result));
  return result;
}

// mount(source: string, target: string, fstype: string, flags: number, data: string): void
static napi_value js_mount(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  static char source[4096], target[4096], fstype[64], data[65536];
  uint32_t flags;
  if (argc < 5 || get_string(env, argv[0], source, sizeof source) || get_string(env, argv[1], target, sizeof target) ||
      get_string(env, argv[2], fstype, sizeof fstype) || get_string(env, argv[4], data, sizeof data))
    CHECK(napi_invalid_arg);
  CHECK(napi_get_value_uint32(env, argv[3], &flags));
  if (mount(source, target, fstype[0] ? fstype : NULL, flags, data[0] ? data : NULL) != 0) return throw_errno(env, "mount", target);
  return NULL;
}

// umount2(target: string, flags: number): void
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char target[4096];
  uint32_t flags;
  if (argc < 2 || get_string(env, argv[0], target, sizeof target)) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_uint32(env, argv[1], &flags));
  if (umount2(target, (int)flags) != 0) return throw_errno(env, "umount", target);
  return NULL;
}

// netnsSocket(netns: string, ipv6: boolean): number -- an unconnected,
// non-blocking TCP socket fd (IPv4, or IPv6 with `ipv6`) made inside the
// network namespace pinned at `netns` ("" for berthd's own).
// setns(CLONE_NEWNET) changes only the calling thread's namespace, and the
// socket keeps the namespace it was made in; the thread is back in its own
// before this returns. Node connects it, so that the connect's outcome
// comes as the socket's 'connect' or 'error' event.
static napi_value js_netns_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096];
  bool ipv6;
  if (argc < 2 || get_string(env, argv[0], path, sizeof path)) CHECK(napi_invalid_arg);
  CHECK(napi_get_value_bool(env, argv[1], &ipv6));
  int self = -1, target = -1;
  if (path[0]) {
    self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) return throw_errno(env, "open", "/proc/thread-self/ns/net");
    target = open(path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
      int e = errno;
      close(self);
      errno = e;
      return throw_errno(env, "open", path);
    }
    if (setns(target, CLONE_NEWNET) != 0) {
      int e = errno;
      close(self);
      close(target);
      errno = e;
      return throw_errno(env, "setns", path);
    }
  }
  int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int err = errno;
  if (path[0]) {
    // Staying in the pod's namespace would put every later socket of berthd there.
    if (setns(self, CLONE_NEWNET) != 0) abort();
    close(self);
    close(target);
  }
  if (fd < 0) {
    errno = err;
    return throw_errno(env, "socket in", path[0] ? path : "host network");
  }
  napi_value out;
  CHECK(napi_create_int32(env, fd, &out));
  return out;
}

// conmon's attach socket carries one packet per read of the container's
// output, its first byte the stream (2 stdout, 3 stderr), and takes input
// as raw packets. Node has no SOCK_SEQPACKET sockets, so a thread relays
// between it and one end of a stream socketpair, framing each output
// packet as [stream byte][u32 big-endian length][data]. Blocking I/O in
// the thread gives backpressure both ways. The thread ends when both
// directions have ended, or when Node closes its end.
#define RELAY_BUF 65536

struct relay {
  int seq;
  int pair;
};

static int write_full(int fd, const char *buf, size_t len) {
  while (len) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static void *relay_main(void *arg) {
  struct relay r = *(struct relay *)arg;
  free(arg);
  char *buf = malloc(RELAY_BUF + 5);
  if (!buf) {
    close(r.seq);
    close(r.pair);
    return NULL;
  }
  int out_open = 1, in_open = 1;
  while (out_open || in_open) {
    struct pollfd fds[2] = {{.fd = r.seq, .events = out_open ? POLLIN : 0}, {.fd = r.pair, .events = in_open ? POLLIN : 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!in_open && (fds[1].revents & (POLLHUP | POLLERR))) break;
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = recv(r.seq, buf + 4, RELAY_BUF, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        out_open = 0;
        shutdown(r.pair, SHUT_WR);
      } else if (n > 1) {
        // The packet's stream byte moves to the front, its length after it.
        buf[0] = buf[4];
        uint32_t len = htonl((uint32_t)(n - 1));
        memcpy(buf + 1, &len, 4);
        if (write_full(r.pair, buf, (size_t)n + 4) != 0) break;
      }
    }
    if (in_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      // conmon reads input in pieces of up to 8 KiB.
      ssize_t n = recv(r.pair, buf, 8192, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        in_open = 0;
        shutdown(r.seq, SHUT_WR);
      } else if (write_full(r.seq, buf, (size_t)n) != 0) {
        in_open = 0;
      }
    }
  }
  free(buf);
  close(r.seq);
  close(r.pair);
  return NULL;
}

// seqpacketRelay(path: string): number -- connects to the SOCK_SEQPACKET
// socket at `path` and returns the fd of a stream socket relayed to it (above).
static napi_value js_seqpacket_relay(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[4096];
  if (argc < 1 || get_string(env, argv[0], path, sizeof path)) CHECK(napi_invalid_arg);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return throw_errno(env, "connect", path);
  }
  strcpy(addr.sun_path, path);
  int seq = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (seq < 0) return throw_errno(env, "socket", path);
  if (connect(seq, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int e = errno;
    close(seq);
    errno = e;
    return throw_errno(env, "connect", path);
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    int e = errno;
    close(seq);
    errno = e;
    return throw_errno(env, "socketpair", path);
  }
  struct relay *r = malloc(sizeof *r);
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  if (!r || (r->seq = seq, r->pair = sv[1], pthread_create(&thread, &attr, relay_main, r)) != 0) {
    pthread_attr_destroy(&attr);
    free(r);
    close(seq);
    close(sv[0]);
    close(sv[1]);
    errno = EAGAIN;
    return throw_errno(env, "relay thread for", path);
  }
  pthread_attr_destroy(&attr);
  napi_value out;
  CHECK(napi_create_int32(env, sv[0], &out));
  return out;
}

/*
 * glibc keeps what berthd's threads free in its arenas for reuse, also
 * whole pages in the middle of one, and trims only the top of an arena;
 * malloc_trim(0) gives every free page of every arena back to the kernel.
 */
static napi_value js_malloc_trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_get_boolean(env, malloc_trim(0) == 1, &out));
  return out;
}

void lifecycle_register(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_default, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_default, NULL},
      {"netnsSocket", NULL, js_netns_socket, NULL, NULL, NULL, napi_default, NULL},
      {"seqpacketRelay", NULL, js_seqpacket_relay, NULL, NULL, NULL, napi_default, NULL},
      {"mallocTrim", NULL, js_malloc_trim, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  lifecycle_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
