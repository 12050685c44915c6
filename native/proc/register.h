// The process part of the addon, for the resident hook service: runCaptured(file, argv, envp,
// timeoutMs, maxBytes) (proc/spawn.cc) for its Slurm commands, listenUnix(path, backlog)
// (proc/listen.cc) for the job gateways' sockets it binds ahead of their start. It shares nothing with the
// simulator but the error helpers (common/).
#pragma once

#include <napi.h>

namespace qrun {

void RegisterSpawn(Napi::Env env, Napi::Object exports);
void RegisterListen(Napi::Env env, Napi::Object exports);

}  // namespace qrun
