// The process part of the addon: runCaptured(file, argv, envp, timeoutMs, maxBytes)
// (proc/spawn.cc), for the resident hook service's Slurm commands. It shares nothing with the
// simulator but the error helpers (common/).
#pragma once

#include <napi.h>

namespace qrun {

void RegisterSpawn(Napi::Env env, Napi::Object exports);

}  // namespace qrun
