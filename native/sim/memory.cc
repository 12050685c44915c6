#include "memory.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "common/errors.h"

namespace qrun {

static uint64_t ReadCgroupValue(const char* path) {
  std::ifstream in(path);
  std::string value;
  if (!(in >> value) || value == "max") return UINT64_MAX;
  return std::strtoull(value.c_str(), nullptr, 10);
}

uint64_t AvailableMemoryBytes() {
  uint64_t available = UINT64_MAX;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") {
      available = kib * 1024;
      break;
    }
  }
  const uint64_t cg_max = ReadCgroupValue("/sys/fs/cgroup/memory.max");
  if (cg_max != UINT64_MAX) {
    const uint64_t cg_cur = ReadCgroupValue("/sys/fs/cgroup/memory.current");
    const uint64_t left = cg_cur != UINT64_MAX && cg_cur < cg_max ? cg_max - cg_cur : 0;
    if (left < available) available = left;
  }
  return available;
}

static std::string FormatBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 || bytes >= 100 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

void CheckStateMemory(int n, int amp_bytes, int buffers, uint64_t limit_bytes) {
  const double need = static_cast<double>(buffers) * amp_bytes * static_cast<double>(uint64_t{1} << (n > 62 ? 62 : n));
  if (n > kMaxQubits) {
    throw Error("CIRCUIT_TOO_LARGE", "a " + std::to_string(n) + "-qubit statevector does not fit: the native engine simulates at most " +
                                         std::to_string(kMaxQubits) + " qubits");
  }
  // Reading /proc and the cgroup files costs more than simulating a small circuit; below 64 MiB an
  // allocation failure is still caught (std::bad_alloc -> CIRCUIT_TOO_LARGE).
  const uint64_t available = need <= 64.0 * 1024 * 1024 ? UINT64_MAX : AvailableMemoryBytes();
  const bool over_limit = need > static_cast<double>(limit_bytes);
  const bool over_available = need > static_cast<double>(available);
  if (!over_limit && !over_available) return;
  const uint64_t bound = over_limit ? limit_bytes : available;
  int fit = 0;
  while (fit < kMaxQubits && static_cast<double>(buffers) * amp_bytes * static_cast<double>(uint64_t{1} << (fit + 1)) <= static_cast<double>(bound)) ++fit;
  throw Error("CIRCUIT_TOO_LARGE", "a " + std::to_string(n) + "-qubit statevector does not fit: it needs " + FormatBytes(need) +
                                       (over_limit ? " but the limit is " : " but only ") + FormatBytes(static_cast<double>(bound)) +
                                       (over_limit ? "" : " of memory is available") + "; at most " + std::to_string(fit) +
                                       " qubits fit");
}

constexpr size_t kMapThreshold = size_t{1} << 21;

AlignedBuffer::AlignedBuffer(size_t bytes) : bytes_(bytes) {
  if (bytes >= kMapThreshold) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw Error("CIRCUIT_TOO_LARGE", "the statevector (" + FormatBytes(double(bytes)) + ") could not be allocated");
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    data_ = p;
    mapped_ = true;
    return;
  }
  const size_t rounded = (bytes + 63) / 64 * 64;
  data_ = std::aligned_alloc(64, rounded > 0 ? rounded : 64);
  if (data_ == nullptr) throw Error("CIRCUIT_TOO_LARGE", "the statevector (" + FormatBytes(double(bytes)) + ") could not be allocated");
  std::memset(data_, 0, rounded > 0 ? rounded : 64);
}

AlignedBuffer::~AlignedBuffer() { Release(); }

AlignedBuffer::AlignedBuffer(AlignedBuffer&& other) noexcept
    : data_(other.data_), bytes_(other.bytes_), mapped_(other.mapped_) {
  other.data_ = nullptr;
  other.bytes_ = 0;
}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    bytes_ = other.bytes_;
    mapped_ = other.mapped_;
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

void AlignedBuffer::Release() {
  if (data_ == nullptr) return;
  if (mapped_) munmap(data_, bytes_);
  else std::free(data_);
  data_ = nullptr;
}

}  // namespace qrun
