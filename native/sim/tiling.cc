#include "tiling.h"

#include <cstring>

namespace qrun {

template <typename T>
TiledRun<T>::TiledRun(const std::vector<const GateSpec*>& specs, const std::vector<const PreparedGate<T>*>& gates, int n, int m)
    : n_(n) {
  std::vector<std::vector<int>> qubits;
  qubits.reserve(specs.size());
  for (const GateSpec* s : specs) qubits.push_back(s->qubits);
  // 256-byte runs: long enough for the hardware prefetchers to stream each one.
  const int run_qubits = LowBits<T>() + 2;
  // Below m + 2 qubits the state is a few tiles and stays in the last-level cache anyway.
  if (n < m + 2) {
    for (const PreparedGate<T>* g : gates) steps_.push_back(Step{g, {}, {}});
    return;
  }
  for (TilePlan& plan : PlanTiles(qubits, n, m, run_qubits)) {
    Step step;
    if (plan.gates.size() == 1 || int(plan.qubits.size()) > m) {
      for (int g : plan.gates) steps_.push_back(Step{gates[size_t(g)], {}, {}});
      continue;
    }
    std::vector<int> local_of(size_t(n), -1);
    for (size_t j = 0; j < plan.qubits.size(); ++j) local_of[size_t(plan.qubits[j])] = int(j);
    for (int g : plan.gates) {
      GateSpec local = *specs[size_t(g)];
      for (int& q : local.qubits) q = local_of[size_t(q)];
      step.local.push_back(std::make_unique<PreparedGate<T>>(local));
    }
    step.qubits = std::move(plan.qubits);
    steps_.push_back(std::move(step));
  }
}

template <typename T>
void TiledRun<T>::Apply(Context& ctx, State<T>& state) const {
  for (const Step& step : steps_) {
    if (step.whole != nullptr) step.whole->Apply(ctx, state);
    else ApplyTile(ctx, state, step);
  }
}

template <typename T>
void TiledRun<T>::ApplyTile(Context& ctx, State<T>& state, const Step& step) const {
  const int m = int(step.qubits.size());
  const int n = state.n();
  int r = 0;  // the tile's qubits 0..r-1 are contiguous: runs of 2^r amplitudes
  while (r < m && step.qubits[size_t(r)] == r) ++r;
  std::vector<int> outer;
  for (int q = 0, j = 0; q < n; ++q) {
    if (j < m && step.qubits[size_t(j)] == q) ++j;
    else outer.push_back(q);
  }
  const uint64_t runs = uint64_t{1} << (m - r);
  std::vector<uint64_t> run_offset(runs);
  for (uint64_t j = 0; j < runs; ++j) {
    uint64_t off = 0;
    for (int b = 0; b < m - r; ++b) off |= ((j >> b) & 1) << step.qubits[size_t(r + b)];
    run_offset[j] = off;
  }
  const size_t run_values = size_t{2} << r;  // interleaved re, im
  const size_t run_bytes = run_values * sizeof(T);
  const uint64_t chunks = uint64_t{1} << (n - m);
  T* psi = state.data();
  const KernelTable& kt = ctx.kernels;
  ctx.pool.For(chunks, 1, [&](uint64_t begin, uint64_t end) {
    AlignedBuffer buffer(run_bytes * runs);
    T* local = static_cast<T*>(buffer.data());
    for (uint64_t c = begin; c < end; ++c) {
      uint64_t base = 0;
      for (size_t b = 0; b < outer.size(); ++b) base |= ((c >> b) & 1) << outer[b];
      for (uint64_t j = 0; j < runs; ++j) std::memcpy(local + j * run_values, psi + 2 * (base | run_offset[j]), run_bytes);
      for (const auto& g : step.local) g->ApplySerial(kt, local, m);
      for (uint64_t j = 0; j < runs; ++j) std::memcpy(psi + 2 * (base | run_offset[j]), local + j * run_values, run_bytes);
    }
  });
}

template class TiledRun<double>;
template class TiledRun<float>;

}  // namespace qrun
