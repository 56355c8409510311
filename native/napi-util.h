// What every file of berth's native addon needs to read its arguments.
#ifndef BERTH_NAPI_UTIL_H
#define BERTH_NAPI_UTIL_H
#include <stddef.h>
#include <node_api.h>

// A failed napi call means the JS side passed something else than its typings say.
#define CHECK(call)                                                                   \
  do {                                                                                \
    if ((call) != napi_ok) {                                                          \
      napi_throw_error(env, NULL, "berth_host: bad arguments");                       \
      return NULL;                                                                    \
    }                                                                                 \
  } while (0)

// Copies a JS string into buf; -1 if it is not a string or does not fit.
static inline int get_string(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return -1;
  return len + 1 >= size ? -1 : 0;
}

#endif
