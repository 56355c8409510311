// V8's memory-reducing collection, which Node does not offer to JavaScript:
// a full collection that also compacts the old generation and gives its
// emptied pages back. gc() from --expose-gc does not compact, so after a
// burst of calls V8 kept ~8 MiB of heap committed above what was live.
// N-API for the module, V8's own API (not ABI-stable) for the one call.
#include <node_api.h>
#include <v8.h>

static napi_value ReduceMemory(napi_env, napi_callback_info) {
  v8::Isolate::GetCurrent()->MemoryPressureNotification(v8::MemoryPressureLevel::kCritical);
  return nullptr;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "reduceMemory", NAPI_AUTO_LENGTH, ReduceMemory, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "reduceMemory", fn) != napi_ok) return nullptr;
  return exports;
}
