{
  # The native statevector engine (native/, one file per concept). Release builds use -O3; the wide
  # kernels (AVX2, AVX-512) are compiled in their own files with target pragmas and picked at run time
  # (native/kernels.cc), so the shipped binary needs only baseline x86-64 and never -march=native.
  "targets": [
    {
      "target_name": "qrun_native",
      "sources": [
        "native/addon.cc",
        "native/errors.cc",
        "native/instance.cc",
        "native/kernels.cc",
        "native/kernels_generic.cc",
        "native/kernels_avx2.cc",
        "native/kernels_avx512.cc",
        "native/memory.cc",
        "native/pauli.cc",
        "native/peercred.cc",
        "native/program.cc",
        "native/sampling.cc",
        "native/simulate.cc",
        "native/statevector.cc",
        "native/thread_pool.cc"
      ],
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
