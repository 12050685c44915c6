// The addon's entry point: registers the exports of each part and does no other work. The parts
// live apart (sim/, peercred/, proc/, with common/ for what both use) and one .node file carries them; the
// simulator's per-environment state is made lazily (sim/instance.h), so loading the addon to read
// peer credentials costs no simulator set-up.
#include <napi.h>

#include "peercred/register.h"
#include "proc/register.h"
#include "sim/register.h"

static Napi::Object InitQrunNative(Napi::Env env, Napi::Object exports) {
  qrun::RegisterSimulate(env, exports);
  qrun::RegisterPeerCredentials(env, exports);
  qrun::RegisterSpawn(env, exports);
  qrun::RegisterListen(env, exports);
  return exports;
}

NODE_API_MODULE(qrun_native, InitQrunNative)
