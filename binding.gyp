{
  # One addon, two parts kept apart: the statevector engine (native/sim/, one file per concept) and
  # the Unix-socket peer credentials the job gateway checks (native/peercred/); native/common/ holds
  # what both use and native/addon.cc registers each. Release builds use -O3; the wide kernels (AVX2,
  # AVX-512) are compiled in their own files with target pragmas and picked at run time
  # (native/sim/kernels.cc), so the shipped binary needs only baseline x86-64 and never -march=native.
  "targets": [
    {
      "target_name": "qrun_native",
      "sources": [
        "native/addon.cc",
        "native/common/errors.cc",
        "native/peercred/peercred.cc",
        "native/proc/listen.cc",
        "native/proc/spawn.cc",
        "native/sim/branching.cc",
        "native/sim/instance.cc",
        "native/sim/kernels.cc",
        "native/sim/kernels_generic.cc",
        "native/sim/kernels_avx2.cc",
        "native/sim/kernels_avx512.cc",
        "native/sim/memory.cc",
        "native/sim/pauli.cc",
        "native/sim/program.cc",
        "native/sim/sampling.cc",
        "native/sim/simulate.cc",
        "native/sim/statevector.cc",
        "native/sim/thread_pool.cc",
        "native/sim/tile_plan.cc",
        "native/sim/tiling.cc"
      ],
      "include_dirs": ["native"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O3", "-std=gnu++17", "-ffp-contract=fast", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi"],
      "cflags_cc!": ["-O2", "-Os"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=fast"]
      }
    }
  ]
}
