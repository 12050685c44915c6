// A fixed pool of worker threads sized to the CPUs this process may run on. The calling thread
// takes part in every job, so a pool of N runs N-wide with N-1 extra threads. Jobs from different
// callers (two simulations in flight) run one after the other, never side by side, so the
// machine is never oversubscribed by the simulator itself.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace qrun {

unsigned AvailableCpus();

class ThreadPool {
 public:
  explicit ThreadPool(unsigned width);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned width() const { return width_; }

  // Calls fn(begin, end) over disjoint ranges covering [0, n). Ranges hold at least `grain` items
  // (except the last); below 2 * grain everything runs on the calling thread.
  void For(uint64_t n, uint64_t grain, const std::function<void(uint64_t, uint64_t)>& fn);

 private:
  void WorkerLoop();
  void RunChunks();

  unsigned width_;
  std::vector<std::thread> workers_;
  std::mutex job_mutex_;  // one job at a time

  // Consecutive gates are consecutive jobs a few microseconds apart, so workers and the caller spin
  // briefly on these atomics before sleeping on the condition variables: a futex wake-up costs tens
  // of microseconds, as much as a whole sweep of a small state.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> active_{0};  // workers still inside the current job

  // The current job.
  const std::function<void(uint64_t, uint64_t)>* fn_ = nullptr;
  uint64_t n_ = 0;
  uint64_t chunk_ = 0;
  std::atomic<uint64_t> next_{0};
};

}  // namespace qrun
