#include "program.h"

#include <cmath>
#include <string>

#include "common/errors.h"

namespace qrun {

namespace {

enum OpCode : int32_t {
  kOpDense = 1,
  kOpDiag = 2,
  kOpPerm = 3,
  kOpMeasure = 4,
  kOpReset = 5,
  kOpIf = 6,
  kOpJump = 7,
  kOpDepolarize = 8,
  kOpDamp = 9,
  kOpLoopLimit = 10,
  kOpSet = 11,
};

[[noreturn]] void Malformed(const std::string& what) {
  throw Error("INTERNAL", "malformed native program: " + what);
}

class Reader {
 public:
  Reader(const std::vector<int32_t>& code, const std::vector<double>& data) : code_(code), data_(data) {}
  bool done() const { return pos_ >= code_.size(); }
  int32_t Next() {
    if (pos_ >= code_.size()) Malformed("truncated record");
    return code_[pos_++];
  }
  const double* Data(int32_t off, size_t count) const {
    if (off < 0 || static_cast<size_t>(off) + count > data_.size()) Malformed("data offset out of range");
    return data_.data() + off;
  }

 private:
  const std::vector<int32_t>& code_;
  const std::vector<double>& data_;
  size_t pos_ = 0;
};

// Walks back from the end over top-level records: a MEASURE is deferred when no later gate or reset
// touches its qubit, a SET always; the walk stops at the first IF, JUMP or LIMIT, or at a record
// inside an if's bodies (the last one of the last if).
void MarkDeferred(ParsedProgram& program) {
  std::vector<Instr>& instrs = program.instrs;
  const size_t count = instrs.size();
  std::vector<bool> nested(count, false);
  for (size_t i = 0; i < count; ++i) {
    if (instrs[i].op != Instr::kIf && instrs[i].op != Instr::kJump) continue;
    for (size_t p = i + 1; p <= i + size_t(instrs[i].skip); ++p) nested[p] = true;
  }
  std::vector<bool> touched(size_t(program.num_qubits), false);
  for (size_t i = count; i-- > 0;) {
    Instr& ins = instrs[i];
    if (nested[i] || ins.op == Instr::kIf || ins.op == Instr::kJump || ins.op == Instr::kLoopLimit) break;
    switch (ins.op) {
      case Instr::kMeasure:
        ins.deferred = !touched[size_t(ins.qubit)];
        break;
      case Instr::kSet:
        ins.deferred = true;
        break;
      case Instr::kGate:
        for (int q : program.gates[size_t(ins.gate)].qubits) touched[size_t(q)] = true;
        break;
      case Instr::kReset:
      case Instr::kDamp:
        touched[size_t(ins.qubit)] = true;
        break;
      case Instr::kDepolarize:
        for (int q : ins.list) touched[size_t(q)] = true;
        break;
      default:
        break;
    }
  }
}

}  // namespace

ParsedProgram ParseProgram(const std::vector<int32_t>& code, const std::vector<double>& data, int num_qubits,
                           int num_clbits) {
  ParsedProgram out;
  out.num_qubits = num_qubits;
  Reader r(code, data);
  auto qubit = [&](int32_t q) {
    if (q < 0 || q >= num_qubits) Malformed("qubit " + std::to_string(q) + " out of range");
    return static_cast<int>(q);
  };
  auto clbit = [&](int32_t c) {
    if (c < 0 || c >= num_clbits) Malformed("clbit " + std::to_string(c) + " out of range");
    return static_cast<int>(c);
  };
  while (!r.done()) {
    const int32_t op = r.Next();
    Instr ins{};
    switch (op) {
      case kOpDense:
      case kOpDiag:
      case kOpPerm: {
        const int32_t k = r.Next();
        if (k < 1 || k > (op == kOpDiag ? kMaxDiagQubits : kMaxGateQubits)) Malformed("gate arity " + std::to_string(k));
        GateSpec spec;
        uint64_t seen = 0;
        for (int j = 0; j < k; ++j) {
          const int q = qubit(r.Next());
          if (seen >> q & 1) Malformed("gate repeats a qubit");
          seen |= uint64_t{1} << q;
          spec.qubits.push_back(q);
        }
        const int32_t off = r.Next();
        const size_t dim = size_t{1} << k;
        if (op == kOpDense) {
          spec.kind = GateSpec::kDense;
          const double* v = r.Data(off, 2 * dim * dim);
          spec.values.assign(v, v + 2 * dim * dim);
        } else if (op == kOpDiag) {
          spec.kind = GateSpec::kDiagonal;
          const double* v = r.Data(off, 2 * dim);
          spec.values.assign(v, v + 2 * dim);
        } else {
          spec.kind = GateSpec::kPermutation;
          const double* v = r.Data(off, 3 * dim);
          std::vector<bool> hit(dim, false);
          for (size_t c = 0; c < dim; ++c) {
            const double row = v[3 * c];
            if (!(row >= 0 && row < double(dim)) || hit[size_t(row)]) Malformed("permutation is not a bijection");
            hit[size_t(row)] = true;
            spec.perm.push_back(static_cast<int>(row));
            spec.values.push_back(v[3 * c + 1]);
            spec.values.push_back(v[3 * c + 2]);
          }
        }
        ins.op = Instr::kGate;
        ins.gate = static_cast<int>(out.gates.size());
        out.gates.push_back(std::move(spec));
        break;
      }
      case kOpMeasure:
        ins.op = Instr::kMeasure;
        ins.qubit = qubit(r.Next());
        ins.clbit = clbit(r.Next());
        break;
      case kOpReset:
        ins.op = Instr::kReset;
        ins.qubit = qubit(r.Next());
        break;
      case kOpIf: {
        ins.op = Instr::kIf;
        const int32_t nbits = r.Next();
        if (nbits < 0 || nbits > 53) Malformed("condition width");
        ins.value = *r.Data(r.Next(), 1);
        ins.skip = r.Next();
        for (int j = 0; j < nbits; ++j) ins.list.push_back(clbit(r.Next()));
        break;
      }
      case kOpJump:
        ins.op = Instr::kJump;
        ins.skip = r.Next();
        break;
      case kOpDepolarize: {
        ins.op = Instr::kDepolarize;
        const int32_t k = r.Next();
        if (k < 1 || k > 8) Malformed("depolarizing arity");
        for (int j = 0; j < k; ++j) ins.list.push_back(qubit(r.Next()));
        ins.value = *r.Data(r.Next(), 1);
        out.needs_paulis = true;
        break;
      }
      case kOpLoopLimit:
        ins.op = Instr::kLoopLimit;
        ins.value = r.Next();  // iterations
        ins.qubit = r.Next();  // line
        ins.clbit = r.Next();  // column
        break;
      case kOpSet: {
        ins.op = Instr::kSet;
        ins.clbit = clbit(r.Next());
        const int32_t bit = r.Next();
        if (bit != 0 && bit != 1) Malformed("a set bit that is not 0 or 1");
        ins.value = bit;
        break;
      }
      case kOpDamp:
        ins.op = Instr::kDamp;
        ins.qubit = qubit(r.Next());
        ins.value = *r.Data(r.Next(), 1);
        break;
      default:
        Malformed("unknown opcode " + std::to_string(op));
    }
    out.instrs.push_back(std::move(ins));
  }
  const size_t count = out.instrs.size();
  for (size_t i = 0; i < count; ++i) {
    const Instr& ins = out.instrs[i];
    if ((ins.op == Instr::kIf || ins.op == Instr::kJump) && (ins.skip < 0 || i + 1 + size_t(ins.skip) > count)) {
      Malformed("jump out of range");
    }
  }
  MarkDeferred(out);
  return out;
}

template <typename T>
Program<T>::Program(const ParsedProgram& parsed, int tile_qubits) : instrs_(parsed.instrs) {
  gates_.reserve(parsed.gates.size());
  for (const GateSpec& spec : parsed.gates) gates_.push_back(std::make_unique<PreparedGate<T>>(spec));
  if (parsed.needs_paulis) {
    for (int q = 0; q < parsed.num_qubits; ++q) {
      GateSpec x{GateSpec::kPermutation, {q}, {1, 0, 1, 0}, {1, 0}};
      GateSpec y{GateSpec::kPermutation, {q}, {0, 1, 0, -1}, {1, 0}};  // Y|0> = i|1>, Y|1> = -i|0>
      GateSpec z{GateSpec::kDiagonal, {q}, {1, 0, -1, 0}, {}};
      paulis_.push_back(std::make_unique<PreparedGate<T>>(x));
      paulis_.push_back(std::make_unique<PreparedGate<T>>(y));
      paulis_.push_back(std::make_unique<PreparedGate<T>>(z));
    }
  }
  prefix_ = UnitaryPrefix();
  if (prefix_ > 1 && tile_qubits != 0) {
    std::vector<const GateSpec*> specs;
    std::vector<const PreparedGate<T>*> gates;
    for (size_t i = 0; i < prefix_; ++i) {
      specs.push_back(&parsed.gates[size_t(instrs_[i].gate)]);
      gates.push_back(gates_[size_t(instrs_[i].gate)].get());
    }
    tiled_prefix_ = std::make_unique<TiledRun<T>>(specs, gates, parsed.num_qubits, tile_qubits > 0 ? tile_qubits : TileQubits<T>());
  }
}

template <typename T>
size_t Program<T>::UnitaryPrefix() const {
  size_t i = 0;
  while (i < instrs_.size() && instrs_[i].op == Instr::kGate) ++i;
  return i;
}

template <typename T>
void Program<T>::ApplyGates(Context& ctx, State<T>& state, size_t end) const {
  if (end == prefix_ && tiled_prefix_ != nullptr && tiled_prefix_->n() == state.n()) {
    tiled_prefix_->Apply(ctx, state);
    return;
  }
  for (size_t i = 0; i < end; ++i) {
    if (instrs_[i].op != Instr::kGate) throw Error("INTERNAL", "a non-unitary instruction in a unitary run");
    gates_[instrs_[i].gate]->Apply(ctx, state);
  }
}

template <typename T>
int Program<T>::Measure(Context& ctx, State<T>& state, int q, Xoshiro128& rng) const {
  double p[2];
  QubitProbabilities(ctx, state, q, p);
  // The TypeScript rule: outcome 1 iff u * (p0 + p1) < p1.
  const int outcome = rng.NextDouble() * (p[0] + p[1]) < p[1] ? 1 : 0;
  Project(ctx, state, q, outcome, 1.0 / std::sqrt(p[outcome]));
  return outcome;
}

static inline void WriteBit(uint8_t* record, int clbit, int bit) {
  const uint8_t mask = uint8_t(1u << (clbit & 7));
  if (bit) record[clbit >> 3] |= mask;
  else record[clbit >> 3] &= uint8_t(~mask);
}

template <typename T>
void Program<T>::Execute(Context& ctx, State<T>& state, size_t from, Shot& shot) const {
  Xoshiro128& rng = *shot.rng;
  for (size_t pc = from; pc < instrs_.size(); ++pc) {
    const Instr& ins = instrs_[pc];
    switch (ins.op) {
      case Instr::kGate:
        gates_[ins.gate]->Apply(ctx, state);
        break;
      case Instr::kMeasure: {
        if (shot.skip_measure) break;
        int bit = Measure(ctx, state, ins.qubit, rng);
        if (shot.readout != nullptr) {
          const double u = rng.NextDouble();
          bit = bit == 0 ? (u < shot.readout[0] ? 1 : 0) : (u < shot.readout[1] ? 0 : 1);
        }
        WriteBit(shot.record, ins.clbit, bit);
        break;
      }
      case Instr::kSet: {
        if (shot.skip_measure) break;
        int bit = static_cast<int>(ins.value);
        if (shot.readout != nullptr) {
          const double u = rng.NextDouble();
          bit = bit == 0 ? (u < shot.readout[0] ? 1 : 0) : (u < shot.readout[1] ? 0 : 1);
        }
        WriteBit(shot.record, ins.clbit, bit);
        break;
      }
      case Instr::kReset: {
        double p[2];
        QubitProbabilities(ctx, state, ins.qubit, p);
        if (rng.NextDouble() * (p[0] + p[1]) < p[1]) MoveOneToZero(ctx, state, ins.qubit, 1.0 / std::sqrt(p[1]));
        else Project(ctx, state, ins.qubit, 0, 1.0 / std::sqrt(p[0]));
        break;
      }
      case Instr::kIf: {
        double value = 0;
        for (size_t j = 0; j < ins.list.size(); ++j) {
          const int c = ins.list[j];
          if (shot.record[c >> 3] >> (c & 7) & 1) value += std::ldexp(1.0, static_cast<int>(j));
        }
        if (value != ins.value) pc += ins.skip;
        break;
      }
      case Instr::kJump:
        pc += ins.skip;
        break;
      case Instr::kLoopLimit:
        throw Error("QASM_LOOP_LIMIT", "the while loop at line " + std::to_string(ins.qubit) + ", column " + std::to_string(ins.clbit) +
                                           " was still running after " + std::to_string(static_cast<int64_t>(ins.value)) +
                                           " iterations in a shot, the most supported");
      case Instr::kDepolarize: {
        if (rng.NextDouble() >= ins.value) break;
        const int k = static_cast<int>(ins.list.size());
        const double non_identity = std::ldexp(1.0, 2 * k) - 1;
        // 1..4^k-1: base-4 digit b is the Pauli on qubit list[b] (0 = I, 1 = X, 2 = Y, 3 = Z).
        uint64_t code = 1 + static_cast<uint64_t>(std::fmin(non_identity - 1, std::floor(rng.NextDouble() * non_identity)));
        for (int b = 0; b < k; ++b) {
          const int digit = static_cast<int>(code & 3);
          code >>= 2;
          if (digit != 0) paulis_[3 * ins.list[b] + digit - 1]->Apply(ctx, state);
        }
        break;
      }
      case Instr::kDamp: {
        double p[2];
        QubitProbabilities(ctx, state, ins.qubit, p);
        const double total = p[0] + p[1];
        const double gamma = ins.value;
        const double p_jump = gamma * p[1] / total;
        if (rng.NextDouble() < p_jump) {
          MoveOneToZero(ctx, state, ins.qubit, 1.0 / std::sqrt(p[1]));
        } else {
          const double norm = 1.0 / std::sqrt(total * (1 - p_jump));
          ScaleHalves(ctx, state, ins.qubit, norm, std::sqrt(1 - gamma) * norm);
        }
        break;
      }
    }
  }
}

template class Program<double>;
template class Program<float>;

}  // namespace qrun
