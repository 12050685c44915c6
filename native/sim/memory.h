// Statevector memory: the check that runs before every allocation (so an oversized circuit fails
// with CIRCUIT_TOO_LARGE instead of the process being killed), and a 64-byte-aligned buffer that
// asks the kernel for transparent huge pages (fewer TLB misses on the strided sweeps of high qubits).
#pragma once

#include <cstddef>
#include <cstdint>

namespace qrun {

constexpr int kMaxQubits = 40;  // index arithmetic is 64-bit; memory runs out long before this

// Bytes the process may still take: MemAvailable, bounded by a cgroup v2 memory.max if one is set.
uint64_t AvailableMemoryBytes();

// Throws Error("CIRCUIT_TOO_LARGE") unless `buffers` states of 2^n amplitudes of `amp_bytes` each
// fit under both `limit_bytes` (the caller's policy) and the memory available right now.
void CheckStateMemory(int n, int amp_bytes, int buffers, uint64_t limit_bytes);

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes);  // zero-filled; throws CIRCUIT_TOO_LARGE when refused
  ~AlignedBuffer();
  AlignedBuffer(AlignedBuffer&& other) noexcept;
  AlignedBuffer& operator=(AlignedBuffer&& other) noexcept;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  void* data() const { return data_; }
  size_t size() const { return bytes_; }

 private:
  void Release();
  void* data_ = nullptr;
  size_t bytes_ = 0;
  bool mapped_ = false;
};

}  // namespace qrun
