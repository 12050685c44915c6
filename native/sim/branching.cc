// Exact IEEE arithmetic in the order written: a fused multiply-add would round differently from the
// TypeScript engine and change a binomial draw now and then.
#pragma GCC optimize("fp-contract=off")

#include "branching.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/errors.h"
#include "sampling.h"

namespace qrun {

namespace {

constexpr double kInversionMean = 16;   // src/sim/binomial.ts INVERSION_MEAN
constexpr double kMergeTolerance = 1e-10;  // src/sim/branching.ts MERGE_TOLERANCE

double PowInt(double x, uint64_t k) {
  double result = 1;
  double base = x;
  uint64_t e = k;
  while (e > 0) {
    if (e % 2 == 1) result *= base;
    base *= base;
    e /= 2;
  }
  return result;
}

uint64_t Inversion(uint64_t n, double p, Xoshiro128& rng) {
  const double q = 1 - p;
  const double s = p / q;
  const double a = static_cast<double>(n + 1) * s;
  double r = PowInt(q, n);
  double u = rng.NextDouble();
  uint64_t x = 0;
  while (u > r && x < n) {
    u -= r;
    ++x;
    r *= a / static_cast<double>(x) - s;
  }
  return x;
}

uint64_t Halves(uint64_t n, double p, Xoshiro128& rng) {
  if (static_cast<double>(n) * p <= kInversionMean) return Inversion(n, p, rng);
  const uint64_t low = n / 2;
  const uint64_t first = Halves(low, p, rng);
  return first + Halves(n - low, p, rng);
}

inline void WriteBit(uint8_t* record, int clbit, int bit) {
  const uint8_t mask = uint8_t(1u << (clbit & 7));
  if (bit) record[clbit >> 3] |= mask;
  else record[clbit >> 3] &= uint8_t(~mask);
}

inline int ReadBit(const uint8_t* record, int clbit) { return (record[clbit >> 3] >> (clbit & 7)) & 1; }

using Record = std::vector<uint8_t>;

template <typename T>
class Brancher {
 public:
  Brancher(Context& ctx, const Program<T>& program, int n, const BranchingOptions& options, Xoshiro128& rng, uint8_t* memory)
      : ctx_(ctx), program_(program), instrs_(program.instrs()), n_(n), o_(options), rng_(rng), memory_(memory) {
    for (const Instr& ins : instrs_)
      if (ins.deferred) finals_.push_back(&ins);
  }

  uint64_t Start() {
    auto state = std::make_unique<State<T>>(ctx_, n_);
    Run(*state, 0, Record(o_.bytes_per_shot, 0), o_.shots, -1, 0);
    Shuffle();
    return branches_;
  }

 private:
  bool CanFork() const { return live_ + 2 <= o_.max_states; }

  std::unique_ptr<State<T>> Acquire(const State<T>& from) {
    std::unique_ptr<State<T>> s;
    if (!spare_.empty()) {
      s = std::move(spare_.back());
      spare_.pop_back();
    } else {
      s = std::make_unique<State<T>>(ctx_, n_);
    }
    s->CopyFrom(ctx_, from);
    return s;
  }

  void Fork(const State<T>& state, size_t pc, const Record& record, uint64_t shots, int pending_clbit, int pending_bit,
            const std::function<void(State<T>&)>& prepare) {
    std::unique_ptr<State<T>> copy = Acquire(state);
    prepare(*copy);
    ++live_;
    Run(*copy, pc, record, shots, pending_clbit, pending_bit);
    --live_;
    spare_.push_back(std::move(copy));
  }

  // The branch's remaining shots one path at a time: a branch of one shot never forks.
  void PerShot(State<T>& state, size_t pc, const Record& record, uint64_t shots, int pending_clbit, int pending_bit) {
    std::unique_ptr<State<T>> work;
    ++live_;
    for (uint64_t s = 0; s + 1 < shots; ++s) {
      if (work) work->CopyFrom(ctx_, state);
      else work = Acquire(state);
      Run(*work, pc, record, 1, pending_clbit, pending_bit);
    }
    --live_;
    if (work) spare_.push_back(std::move(work));
    Run(state, pc, record, 1, pending_clbit, pending_bit);
  }

  void Emit(const Record& record, uint64_t shots) {
    for (uint64_t s = 0; s < shots; ++s) std::memcpy(memory_ + (cursor_ + s) * o_.bytes_per_shot, record.data(), o_.bytes_per_shot);
    cursor_ += shots;
  }

  int Flip(int bit) {
    const double u = rng_.NextDouble();
    return bit == 0 ? (u < o_.readout[0] ? 1 : 0) : (u < o_.readout[1] ? 0 : 1);
  }

  // The deferred measurements of a finished branch, drawn from its final state.
  void Terminal(State<T>& state, const Record& record, uint64_t shots) {
    bool sampled = false;
    for (const Instr* ins : finals_) sampled = sampled || ins->op == Instr::kMeasure;
    std::vector<uint64_t> index;
    if (sampled) index = DrawIndices(ctx_, state, rng_, shots);
    for (uint64_t s = 0; s < shots; ++s) {
      uint8_t* out = memory_ + (cursor_ + s) * o_.bytes_per_shot;
      std::memcpy(out, record.data(), o_.bytes_per_shot);
      const uint64_t i = sampled ? index[s] : 0;
      for (const Instr* ins : finals_) {
        int bit = ins->op == Instr::kMeasure ? static_cast<int>((i >> ins->qubit) & 1) : static_cast<int>(ins->value);
        if (o_.readout != nullptr) bit = Flip(bit);
        WriteBit(out, ins->clbit, bit);
      }
    }
    cursor_ += shots;
  }

  // Writes a measured bit through the readout model (forking when flipped and kept bits both get
  // shots); false when the branch went shot by shot instead.
  bool Settle(State<T>& state, size_t pc, Record& record, uint64_t& shots, int clbit, int bit) {
    if (o_.readout == nullptr) {
      WriteBit(record.data(), clbit, bit);
      return true;
    }
    const double p_flip = bit == 0 ? o_.readout[0] : o_.readout[1];
    if (shots > 1 && p_flip > 0 && p_flip < 1 && !CanFork()) {
      PerShot(state, pc, record, shots, clbit, bit);
      return false;
    }
    const uint64_t flipped = Binomial(shots, p_flip, rng_);
    const int other = 1 - bit;
    if (flipped == 0 || flipped == shots) {
      WriteBit(record.data(), clbit, flipped == 0 ? bit : other);
      return true;
    }
    const bool fork_flipped = flipped <= shots - flipped;
    const uint64_t fork_shots = fork_flipped ? flipped : shots - flipped;
    Record fork_record = record;
    WriteBit(fork_record.data(), clbit, fork_flipped ? other : bit);
    Fork(state, pc, fork_record, fork_shots, -1, 0, [](State<T>&) {});
    WriteBit(record.data(), clbit, fork_flipped ? bit : other);
    shots -= fork_shots;
    return true;
  }

  void Collapse(State<T>& state, int q, int outcome, double p, bool reset) {
    if (reset && outcome == 1) MoveOneToZero(ctx_, state, q, 1.0 / std::sqrt(p));
    else Project(ctx_, state, q, outcome, 1.0 / std::sqrt(p));
  }

  void Run(State<T>& state, size_t pc, Record record, uint64_t shots, int pending_clbit, int pending_bit) {
    ++branches_;
    if (pending_clbit >= 0 && !Settle(state, pc, record, shots, pending_clbit, pending_bit)) return;
    for (;;) {
      if (pc >= instrs_.size()) {
        if (!finals_.empty()) Terminal(state, record, shots);
        else Emit(record, shots);
        return;
      }
      const Instr& ins = instrs_[pc++];
      if (ins.deferred) continue;
      switch (ins.op) {
        case Instr::kGate:
          program_.ApplyGate(ctx_, state, ins);
          break;
        case Instr::kSet:
          if (!Settle(state, pc, record, shots, ins.clbit, static_cast<int>(ins.value))) return;
          break;
        case Instr::kMeasure:
        case Instr::kReset: {
          const bool reset = ins.op == Instr::kReset;
          double p[2];
          QubitProbabilities(ctx_, state, ins.qubit, p);
          const double prob = p[1] / (p[0] + p[1]);
          int outcome;
          if (prob <= 0) {
            outcome = 0;
          } else if (prob >= 1) {
            outcome = 1;
          } else if (reset && shots > 1 && HalvesOverlap(ctx_, state, ins.qubit) >= p[0] * p[1] * (1 - kMergeTolerance)) {
            outcome = 0;  // not entangled: both outcomes leave this state
          } else {
            if (shots > 1 && !CanFork()) {
              PerShot(state, pc - 1, record, shots, -1, 0);
              return;
            }
            const uint64_t ones = Binomial(shots, prob, rng_);
            if (ones == 0 || ones == shots) {
              outcome = ones == 0 ? 0 : 1;
            } else {
              const int fork_outcome = ones <= shots - ones ? 1 : 0;
              const uint64_t fork_shots = fork_outcome == 1 ? ones : shots - ones;
              const double fork_p = p[fork_outcome];
              const int q = ins.qubit;
              Fork(state, pc, record, fork_shots, reset ? -1 : ins.clbit, fork_outcome,
                   [&](State<T>& copy) { Collapse(copy, q, fork_outcome, fork_p, reset); });
              shots -= fork_shots;
              outcome = 1 - fork_outcome;
            }
          }
          if (prob > 0 && prob < 1) Collapse(state, ins.qubit, outcome, p[outcome], reset);
          else if (reset && outcome == 1) Collapse(state, ins.qubit, 1, p[1], true);
          if (!reset && !Settle(state, pc, record, shots, ins.clbit, outcome)) return;
          break;
        }
        case Instr::kIf: {
          double value = 0;
          for (size_t j = 0; j < ins.list.size(); ++j)
            if (ReadBit(record.data(), ins.list[j])) value += std::ldexp(1.0, static_cast<int>(j));
          if (value != ins.value) pc += size_t(ins.skip);
          break;
        }
        case Instr::kJump:
          pc += size_t(ins.skip);
          break;
        case Instr::kLoopLimit:
          throw Error("QASM_LOOP_LIMIT", "the while loop at line " + std::to_string(ins.qubit) + ", column " + std::to_string(ins.clbit) +
                                             " was still running after " + std::to_string(static_cast<int64_t>(ins.value)) +
                                             " iterations in a shot, the most supported");
        case Instr::kDepolarize:
        case Instr::kDamp:
          throw Error("INTERNAL", "shot branching met gate noise, which runs shot by shot");
      }
    }
  }

  // Seeded Fisher-Yates over the shot records, so memory looks like independent shots.
  void Shuffle() {
    const uint32_t b = o_.bytes_per_shot;
    std::vector<uint8_t> scratch(b);
    for (uint64_t s = o_.shots - 1; s > 0; --s) {
      const uint64_t j = static_cast<uint64_t>(std::floor(rng_.NextDouble() * static_cast<double>(s + 1)));
      if (j == s) continue;
      std::memcpy(scratch.data(), memory_ + s * b, b);
      std::memcpy(memory_ + s * b, memory_ + j * b, b);
      std::memcpy(memory_ + j * b, scratch.data(), b);
    }
  }

  Context& ctx_;
  const Program<T>& program_;
  const std::vector<Instr>& instrs_;
  const int n_;
  const BranchingOptions& o_;
  Xoshiro128& rng_;
  uint8_t* memory_;
  std::vector<const Instr*> finals_;
  std::vector<std::unique_ptr<State<T>>> spare_;
  uint64_t live_ = 1;
  uint64_t cursor_ = 0;
  uint64_t branches_ = 0;
};

}  // namespace

uint64_t Binomial(uint64_t n, double p, Xoshiro128& rng) {
  if (n == 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - Halves(n, 1 - p, rng);
  return Halves(n, p, rng);
}

template <typename T>
uint64_t RunBranching(Context& ctx, const Program<T>& program, int num_qubits, const BranchingOptions& options, Xoshiro128& rng,
                      uint8_t* memory) {
  if (options.max_states < 2) throw Error("INTERNAL", "shot branching needs room for two states");
  Brancher<T> brancher(ctx, program, num_qubits, options, rng, memory);
  return brancher.Start();
}

template uint64_t RunBranching<double>(Context&, const Program<double>&, int, const BranchingOptions&, Xoshiro128&, uint8_t*);
template uint64_t RunBranching<float>(Context&, const Program<float>&, int, const BranchingOptions&, Xoshiro128&, uint8_t*);

}  // namespace qrun
