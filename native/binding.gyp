{
  "targets": [
    {
      "target_name": "berth_host",
      "sources": ["host.c", "lifecycle.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "berth_memory",
      "sources": ["memory.cc"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "berth-nsexec",
      "type": "executable",
      "sources": ["nsexec.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "ldflags": ["-static"]
    }
  ]
}
