// The addon's entry point: creates the per-environment instance data and registers the exports of
// each concept's file. No work happens here.
#include <napi.h>

#include "instance.h"

static Napi::Object InitQrunNative(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<qrun::Instance>(new qrun::Instance());
  qrun::RegisterSimulate(env, exports);
  qrun::RegisterPeerCredentials(env, exports);
  return exports;
}

NODE_API_MODULE(qrun_native, InitQrunNative)
