#include "instance.h"

namespace qrun {

Instance::Instance() : threads_(AvailableCpus()), kernels_(SelectKernels("auto")) {}

std::shared_ptr<ThreadPool> Instance::Pool() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pool_) pool_ = std::make_shared<ThreadPool>(threads_);
  return pool_;
}

const KernelTable* Instance::kernels() {
  std::lock_guard<std::mutex> lock(mutex_);
  return kernels_;
}

unsigned Instance::threads() {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_;
}

int Instance::tile_qubits() {
  std::lock_guard<std::mutex> lock(mutex_);
  return tile_qubits_;
}

bool Instance::Configure(unsigned threads, const char* isa, int tile_qubits) {
  const KernelTable* table = SelectKernels(isa);
  if (table == nullptr) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  kernels_ = table;
  tile_qubits_ = tile_qubits;
  const unsigned width = threads == 0 ? AvailableCpus() : threads;
  if (width != threads_) {
    threads_ = width;
    pool_.reset();  // jobs in flight keep the old pool alive until they finish
  }
  return true;
}

}  // namespace qrun
