{
  "targets": [
    {
      "target_name": "berth_host",
      "sources": ["host.c", "lifecycle.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
