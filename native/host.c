// The few system calls berth needs that Node.js does not offer: device
// nodes and extended attributes for layer unpacking (overlay whiteouts are
// char devices 0/0, opaque dirs an xattr), and mount/umount for overlay
// rootfs and pinned namespaces without a mount(8) exec each time. Each function throws a JS Error
// carrying errno's name as `code`, like Node's own fs errors.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <node_api.h>

#define CHECK(call)                                                                   \
  do {                                                                                \
    if ((call) != napi_ok) {                                                          \
      napi_throw_error(env, NULL, "berth_host: bad arguments");                       \
      return NULL;                                                                    \
    }                                                                                 \
  } while (0)

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

static int get_string(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return -1;
  return len + 1 >= size ? -1 : 0;
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

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_default, NULL},
      {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_default, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL},
      {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
