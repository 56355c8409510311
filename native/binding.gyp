{
  "targets": [
    {
      "target_name": "berth_host",
      "sources": ["host.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
