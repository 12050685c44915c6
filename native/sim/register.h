// The simulator part of the addon: sample, expectation, statevector, info, configure
// (sim/simulate.cc). Its per-environment state (sim/instance.h) is made on the first of these calls.
#pragma once

#include <napi.h>

namespace qrun {

void RegisterSimulate(Napi::Env env, Napi::Object exports);

}  // namespace qrun
