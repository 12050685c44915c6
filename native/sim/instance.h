// Per-environment state of the simulator (one per Node main thread or worker thread), kept as napi
// instance data: the kernel table and the thread pool. Nothing in the addon is a mutable static.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>

#include "kernels.h"
#include "thread_pool.h"

namespace qrun {

class Instance {
 public:
  Instance();

  // The pool jobs run on, created on first use with the configured width.
  std::shared_ptr<ThreadPool> Pool();
  const KernelTable* kernels();
  unsigned threads();
  int tile_qubits();

  // threads: 0 = every CPU this process may use. isa: "auto" or a name SelectKernels accepts.
  // tile_qubits: -1 = by precision (TileQubits<T>()), 0 = no cache tiling, else the tile's qubits.
  // Returns false (and changes nothing) when the CPU cannot run the named instruction set.
  bool Configure(unsigned threads, const char* isa, int tile_qubits);

 private:
  std::mutex mutex_;
  unsigned threads_;
  const KernelTable* kernels_;
  int tile_qubits_ = -1;
  std::shared_ptr<ThreadPool> pool_;
};

// Made on the first simulator call of an environment rather than when the addon loads, so a process
// that loads the addon only for peer credentials never selects kernels. Called on the JS thread only
// (every caller is a binding function, before any work is queued), so creating it needs no lock.
inline Instance& GetInstance(Napi::Env env) {
  Instance* instance = env.GetInstanceData<Instance>();
  if (instance == nullptr) {
    instance = new Instance();
    env.SetInstanceData<Instance>(instance);
  }
  return *instance;
}

}  // namespace qrun
