// V8's memory-reducing collection, which Node does not offer to JavaScript:
// full collections that also compact the old generation and give its
// emptied pages back. gc() from --expose-gc does not compact, so after a
// burst of calls V8 kept ~8 MiB of heap committed above what was live.
//
// LowMemoryNotification, not MemoryPressureNotification(kCritical): a
// collection picks the pages to compact when it starts, by what the last
// sweep left on them, so the pages a burst filled with garbage are still
// "full" then and stay where they are. kCritical runs a second collection
// only when 8 MiB or more could go, which a 15-20 MiB heap rarely has: after
// pod lifecycles it left 21-24 MiB committed for 15-16 in use. Low memory
// runs at least two, and the second compacts what the first emptied (24 ->
// 18 MiB committed for 15.8 in use).
// N-API for the module, V8's own API (not ABI-stable) for the one call.
//
// Loading the module also caps glibc's malloc arenas at two. glibc gives
// each thread an arena of its own at its first malloc (up to 8
// per core), and every arena keeps its own partly used pages that
// malloc_trim cannot give back; berthd's other threads (libuv's pool, V8's
// worker) allocate little. 1,000 pod lifecycles ended 1.0-1.1 MiB lower
// with the cap (MALLOC_ARENA_MAX=2 or this call, two runs each against one
// without, side by side). Threads that already have an arena keep it.
#include <malloc.h>
#include <node_api.h>
#include <v8.h>

static napi_value ReduceMemory(napi_env, napi_callback_info) {
  v8::Isolate::GetCurrent()->LowMemoryNotification();
  return nullptr;
}

NAPI_MODULE_INIT() {
  mallopt(M_ARENA_MAX, 2);
  napi_value fn;
  if (napi_create_function(env, "reduceMemory", NAPI_AUTO_LENGTH, ReduceMemory, nullptr, &fn) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "reduceMemory", fn) != napi_ok) return nullptr;
  return exports;
}
