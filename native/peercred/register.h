// The peer-credential part of the addon: peerCredentials(fd) (peercred/peercred.cc). It shares
// nothing with the simulator but the error helpers (common/), so a job gateway that only checks who
// is on its Unix socket never sets up the simulator's state.
#pragma once

#include <napi.h>

namespace qrun {

void RegisterPeerCredentials(Napi::Env env, Napi::Object exports);

}  // namespace qrun
