// The simulation entry points. Each call copies its inputs on the JS thread, runs on a libuv worker
// thread (which drives the addon's thread pool) and settles a Promise:
//   sample(code, data, options)      -> Promise<{memory: Uint8Array, branches}>   shot records
//                                       (ShotMemory layout) and the paths shot branching simulated
//   expectation(code, data, options) -> Promise<Float64Array> one value per Pauli string
//   statevector(code, data, options) -> Promise<Float64Array> interleaved re/im, 2^n amplitudes
//   configure({threads?, isa?}), info()
#include <napi.h>

#include <cmath>
#include <memory>
#include <cstring>
#include <string>
#include <vector>

#include "common/errors.h"
#include "instance.h"
#include "sim/register.h"
#include "memory.h"
#include "pauli.h"
#include "program.h"
#include "branching.h"
#include "sampling.h"

namespace qrun {

namespace {

// ---- reading arguments (JS thread) -----------------------------------------------------------------

[[noreturn]] void BadArgument(Napi::Env env, const std::string& what) {
  ThrowJs(env, "INTERNAL", "native engine called with " + what);
}

double NumberField(Napi::Env env, const Napi::Object& o, const char* key, double fallback, bool required = false) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) {
    if (required) BadArgument(env, std::string("no ") + key);
    return fallback;
  }
  if (!v.IsNumber()) BadArgument(env, std::string("a non-number ") + key);
  return v.As<Napi::Number>().DoubleValue();
}

int IntField(Napi::Env env, const Napi::Object& o, const char* key, double lo, double hi, double fallback, bool required = false) {
  const double v = NumberField(env, o, key, fallback, required);
  if (!(v >= lo && v <= hi) || v != std::floor(v)) BadArgument(env, std::string("an out-of-range ") + key);
  return static_cast<int>(v);
}

struct Common {
  std::vector<int32_t> code;
  std::vector<double> data;
  int num_qubits = 0;
  int num_clbits = 0;
  bool single = false;  // complex64
  uint64_t memory_limit = 0;
  std::shared_ptr<ThreadPool> pool;
  const KernelTable* kernels = nullptr;
  int tile_qubits = -1;
};

Common ReadCommon(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || !info[1].IsTypedArray() || !info[2].IsObject()) {
    BadArgument(env, "bad arguments (expected code, data, options)");
  }
  Common c;
  Napi::TypedArray code = info[0].As<Napi::TypedArray>();
  Napi::TypedArray data = info[1].As<Napi::TypedArray>();
  if (code.TypedArrayType() != napi_int32_array) BadArgument(env, "code that is not an Int32Array");
  if (data.TypedArrayType() != napi_float64_array) BadArgument(env, "data that is not a Float64Array");
  Napi::Int32Array code32 = code.As<Napi::Int32Array>();
  Napi::Float64Array data64 = data.As<Napi::Float64Array>();
  c.code.assign(code32.Data(), code32.Data() + code32.ElementLength());
  c.data.assign(data64.Data(), data64.Data() + data64.ElementLength());
  Napi::Object o = info[2].As<Napi::Object>();
  c.num_qubits = IntField(env, o, "numQubits", 0, 64, 0, true);
  c.num_clbits = IntField(env, o, "numClbits", 0, 1 << 20, 0);
  Napi::Value precision = o.Get("precision");
  if (precision.IsString()) {
    const std::string p = precision.As<Napi::String>().Utf8Value();
    if (p == "complex64") c.single = true;
    else if (p != "complex128") BadArgument(env, "an unknown precision " + p);
  }
  const double limit = NumberField(env, o, "memoryLimitBytes", 0, true);
  if (!(limit > 0)) BadArgument(env, "a non-positive memoryLimitBytes");
  c.memory_limit = limit >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(limit);
  Instance& inst = GetInstance(env);
  c.pool = inst.Pool();
  c.kernels = inst.kernels();
  c.tile_qubits = inst.tile_qubits();
  return c;
}

void ReadSeed(Napi::Env env, const Napi::Object& o, uint32_t seed[4]) {
  Napi::Value v = o.Get("seed");
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      v.As<Napi::TypedArray>().ElementLength() != 4) {
    BadArgument(env, "a seed that is not a Uint32Array(4)");
  }
  Napi::Uint32Array s = v.As<Napi::Uint32Array>();
  for (int i = 0; i < 4; ++i) seed[i] = s[i];
}

bool ReadReadout(Napi::Env env, const Napi::Object& o, double readout[2]) {
  Napi::Value ro = o.Get("readout");
  if (ro.IsUndefined() || ro.IsNull()) return false;
  if (!ro.IsTypedArray() || ro.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      ro.As<Napi::TypedArray>().ElementLength() != 2) {
    BadArgument(env, "a readout that is not a Float64Array(2)");
  }
  readout[0] = ro.As<Napi::Float64Array>()[0];
  readout[1] = ro.As<Napi::Float64Array>()[1];
  return true;
}

// ---- the job base: run off the JS thread, settle a promise with a coded error ----------------------

class Job : public Napi::AsyncWorker {
 public:
  Job(Napi::Env env, Common common)
      : Napi::AsyncWorker(env, "qrun_native.simulate"), deferred_(Napi::Promise::Deferred::New(env)), c_(std::move(common)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  virtual void Run(Context& ctx) = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

  void Execute() override {
    try {
      Context ctx{*c_.pool, *c_.kernels};
      Run(ctx);
    } catch (const Error& e) {
      code_ = e.code();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = "CIRCUIT_TOO_LARGE";
      SetError("the simulation ran out of memory");
    } catch (const std::exception& e) {
      code_ = "INTERNAL";
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Result(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(MakeJsError(Env(), code_, e.Message()).Value()); }

  Napi::Promise::Deferred deferred_;
  Common c_;
  const char* code_ = "INTERNAL";
};

// ---- sample ----------------------------------------------------------------------------------------

class SampleJob : public Job {
 public:
  SampleJob(Napi::Env env, Common common, uint64_t shots, const uint32_t seed[4], bool has_readout, const double readout[2],
            bool terminal, std::vector<MeasureTarget> targets, uint64_t max_states)
      : Job(env, std::move(common)),
        shots_(shots),
        has_readout_(has_readout),
        terminal_(terminal),
        targets_(std::move(targets)),
        max_states_(max_states) {
    std::memcpy(seed_, seed, sizeof(seed_));
    readout_[0] = readout[0];
    readout_[1] = readout[1];
  }

 protected:
  void Run(Context& ctx) override {
    if (c_.single) RunT<float>(ctx);
    else RunT<double>(ctx);
  }

  template <typename T>
  void RunT(Context& ctx) {
    const ParsedProgram parsed = ParseProgram(c_.code, c_.data, c_.num_qubits, c_.num_clbits);
    // Per-shot runs keep the prefix state and a work copy; shot branching at least a branch and a
    // copy (more are allocated only as they fit).
    CheckStateMemory(c_.num_qubits, 2 * sizeof(T), terminal_ ? 1 : 2, c_.memory_limit);
    const Program<T> program(parsed, c_.tile_qubits);
    bytes_per_shot_ = (static_cast<uint32_t>(c_.num_clbits) + 7) >> 3;
    memory_.assign(shots_ * bytes_per_shot_, 0);
    if (c_.num_clbits == 0) return;  // nothing observable; the circuit was validated above
    const double* readout = has_readout_ ? readout_ : nullptr;
    if (max_states_ > 0) {
      Xoshiro128 rng(seed_);
      const BranchingOptions options{shots_, bytes_per_shot_, readout, max_states_};
      branches_ = RunBranching(ctx, program, c_.num_qubits, options, rng, memory_.data());
      return;
    }
    State<T> state(ctx, c_.num_qubits);
    if (terminal_) {
      program.ApplyGates(ctx, state, program.instrs().size());
      SampleTerminal(ctx, state, targets_, seed_, readout, shots_, bytes_per_shot_, memory_.data());
      return;
    }
    const size_t prefix = program.UnitaryPrefix();
    program.ApplyGates(ctx, state, prefix);
    State<T> work(ctx, c_.num_qubits);
    Xoshiro128 rng(seed_);
    for (uint64_t s = 0; s < shots_; ++s) {
      work.CopyFrom(ctx, state);
      typename Program<T>::Shot shot{&rng, readout, memory_.data() + s * bytes_per_shot_, false};
      program.Execute(ctx, work, prefix, shot);
    }
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Uint8Array out = Napi::Uint8Array::New(env, memory_.size());
    if (!memory_.empty()) std::memcpy(out.Data(), memory_.data(), memory_.size());
    Napi::Object result = Napi::Object::New(env);
    result.Set("memory", out);
    result.Set("branches", Napi::Number::New(env, static_cast<double>(branches_)));
    return result;
  }

 private:
  uint64_t shots_;
  uint32_t seed_[4];
  bool has_readout_;
  double readout_[2];
  bool terminal_;
  std::vector<MeasureTarget> targets_;
  uint64_t max_states_;  // 0: per-shot or terminal; otherwise shot branching with this many live states
  uint32_t bytes_per_shot_ = 0;
  uint64_t branches_ = 0;
  std::vector<uint8_t> memory_;
};

Napi::Value Sample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Common c = ReadCommon(info);
  Napi::Object o = info[2].As<Napi::Object>();
  const double shots = NumberField(env, o, "shots", 0, true);
  if (!(shots >= 1 && shots <= 9007199254740991.0) || shots != std::floor(shots)) BadArgument(env, "an invalid shot count");
  uint32_t seed[4];
  ReadSeed(env, o, seed);
  double readout[2] = {0, 0};
  const bool has_readout = ReadReadout(env, o, readout);
  Napi::Value term = o.Get("terminal");
  const bool terminal = !term.IsUndefined() && !term.IsNull();
  std::vector<MeasureTarget> targets;
  if (terminal) {
    if (!term.IsTypedArray() || term.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      BadArgument(env, "terminal measurements that are not an Int32Array");
    }
    Napi::Int32Array t = term.As<Napi::Int32Array>();
    if (t.ElementLength() % 2 != 0) BadArgument(env, "an odd-length terminal list");
    for (size_t i = 0; i < t.ElementLength(); i += 2) {
      if (t[i] < 0 || t[i] >= c.num_qubits || t[i + 1] < 0 || t[i + 1] >= c.num_clbits) BadArgument(env, "a terminal measurement out of range");
      targets.push_back({t[i], t[i + 1]});
    }
  }
  // maxStates: shot branching with this many states alive at once (the caller's memory policy, src/sim/memory.ts).
  const double max_states = NumberField(env, o, "maxStates", 0);
  if (!(max_states == 0 || (max_states >= 2 && max_states <= 9007199254740991.0)) || max_states != std::floor(max_states)) {
    BadArgument(env, "an invalid branching state count");
  }
  if (terminal && max_states > 0) BadArgument(env, "both terminal measurements and shot branching");
  const double bytes = shots * double((c.num_clbits + 7) >> 3);
  if (bytes > 4.0e9) ThrowJs(env, "OPTION_INVALID", "the shot records would take more than 4 GB; use fewer shots");
  auto* job = new SampleJob(env, std::move(c), static_cast<uint64_t>(shots), seed, has_readout, readout, terminal, std::move(targets),
                            static_cast<uint64_t>(max_states));
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// ---- expectation values ----------------------------------------------------------------------------

class ExpectationJob : public Job {
 public:
  ExpectationJob(Napi::Env env, Common common, std::vector<PauliMasks> paulis, uint64_t trajectories, const uint32_t seed[4],
                 bool has_readout, const double readout[2])
      : Job(env, std::move(common)), paulis_(std::move(paulis)), trajectories_(trajectories), has_readout_(has_readout) {
    std::memcpy(seed_, seed, sizeof(seed_));
    readout_[0] = readout[0];
    readout_[1] = readout[1];
  }

 protected:
  void Run(Context& ctx) override {
    if (c_.single) RunT<float>(ctx);
    else RunT<double>(ctx);
  }

  template <typename T>
  void RunT(Context& ctx) {
    const ParsedProgram parsed = ParseProgram(c_.code, c_.data, c_.num_qubits, c_.num_clbits);
    // The readout path measures on a rotated copy: a second buffer.
    CheckStateMemory(c_.num_qubits, 2 * sizeof(T), has_readout_ ? 2 : 1, c_.memory_limit);
    const Program<T> program(parsed, c_.tile_qubits);
    values_.assign(paulis_.size(), 0.0);
    State<T> state(ctx, c_.num_qubits);
    std::unique_ptr<State<T>> scratch;
    if (has_readout_) scratch = std::make_unique<State<T>>(ctx, c_.num_qubits);
    auto evaluate = [&](double* out) {
      if (has_readout_) ReadoutExpectations(ctx, state, *scratch, paulis_, readout_, out);
      else PauliExpectations(ctx, state, paulis_, out);
    };
    if (trajectories_ == 0) {
      program.ApplyGates(ctx, state, program.instrs().size());
      evaluate(values_.data());
      return;
    }
    Xoshiro128 rng(seed_);
    std::vector<uint8_t> record((static_cast<size_t>(c_.num_clbits) + 7) / 8 + 1, 0);
    std::vector<double> one(paulis_.size());
    for (uint64_t t = 0; t < trajectories_; ++t) {
      if (t > 0) state.SetBasisZero(ctx);
      typename Program<T>::Shot shot{&rng, nullptr, record.data(), true};
      program.Execute(ctx, state, 0, shot);
      evaluate(one.data());
      for (size_t i = 0; i < one.size(); ++i) values_[i] += one[i];
    }
    for (double& v : values_) v /= static_cast<double>(trajectories_);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Float64Array out = Napi::Float64Array::New(env, values_.size());
    if (!values_.empty()) std::memcpy(out.Data(), values_.data(), values_.size() * sizeof(double));
    return out;
  }

 private:
  std::vector<PauliMasks> paulis_;
  uint64_t trajectories_;
  uint32_t seed_[4];
  bool has_readout_;
  double readout_[2];
  std::vector<double> values_;
};

Napi::Value Expectation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Common c = ReadCommon(info);
  Napi::Object o = info[2].As<Napi::Object>();
  Napi::Value xv = o.Get("x"), zv = o.Get("z"), yv = o.Get("ys");
  if (!xv.IsTypedArray() || xv.As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array || !zv.IsTypedArray() ||
      zv.As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array || !yv.IsTypedArray() ||
      yv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    BadArgument(env, "Pauli masks that are not BigUint64Array x, z and Int32Array ys");
  }
  Napi::TypedArrayOf<uint64_t> x = xv.As<Napi::TypedArrayOf<uint64_t>>();
  Napi::TypedArrayOf<uint64_t> z = zv.As<Napi::TypedArrayOf<uint64_t>>();
  Napi::Int32Array ys = yv.As<Napi::Int32Array>();
  if (x.ElementLength() != z.ElementLength() || x.ElementLength() != ys.ElementLength()) BadArgument(env, "Pauli masks of different lengths");
  const uint64_t allowed = c.num_qubits >= 64 ? ~uint64_t{0} : (uint64_t{1} << c.num_qubits) - 1;
  std::vector<PauliMasks> paulis(x.ElementLength());
  for (size_t i = 0; i < paulis.size(); ++i) {
    if ((x[i] | z[i]) & ~allowed) BadArgument(env, "a Pauli on a qubit outside the circuit");
    paulis[i] = PauliMasks{x[i], z[i], ys[i]};
  }
  const int trajectories = IntField(env, o, "trajectories", 0, 1e9, 0);
  uint32_t seed[4] = {1, 0, 0, 0};
  if (trajectories > 0) ReadSeed(env, o, seed);
  double readout[2] = {0, 0};
  const bool has_readout = ReadReadout(env, o, readout);
  auto* job = new ExpectationJob(env, std::move(c), std::move(paulis), static_cast<uint64_t>(trajectories), seed, has_readout, readout);
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// ---- statevector -----------------------------------------------------------------------------------

class StatevectorJob : public Job {
 public:
  StatevectorJob(Napi::Env env, Common common) : Job(env, std::move(common)) {}

 protected:
  void Run(Context& ctx) override {
    if (c_.single) RunT<float>(ctx);
    else RunT<double>(ctx);
  }

  template <typename T>
  void RunT(Context& ctx) {
    const ParsedProgram parsed = ParseProgram(c_.code, c_.data, c_.num_qubits, c_.num_clbits);
    // The state plus the float64 copy handed back.
    CheckStateMemory(c_.num_qubits, 2 * sizeof(T) + 16, 1, c_.memory_limit);
    const Program<T> program(parsed, c_.tile_qubits);
    State<T> state(ctx, c_.num_qubits);
    program.ApplyGates(ctx, state, program.instrs().size());
    out_.resize(2 * state.size());
    const T* psi = state.data();
    for (uint64_t i = 0; i < 2 * state.size(); ++i) out_[i] = static_cast<double>(psi[i]);
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Float64Array out = Napi::Float64Array::New(env, out_.size());
    std::memcpy(out.Data(), out_.data(), out_.size() * sizeof(double));
    return out;
  }

 private:
  std::vector<double> out_;
};

Napi::Value Statevector(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Common c = ReadCommon(info);
  auto* job = new StatevectorJob(env, std::move(c));
  Napi::Promise promise = job->Promise();
  job->Queue();
  return promise;
}

// ---- configuration ---------------------------------------------------------------------------------

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Instance& inst = GetInstance(env);
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", Napi::String::New(env, inst.kernels()->isa));
  out.Set("threads", Napi::Number::New(env, inst.threads()));
  out.Set("tileQubits", Napi::Number::New(env, inst.tile_qubits()));
  out.Set("availableCpus", Napi::Number::New(env, AvailableCpus()));
  Napi::Array isas = Napi::Array::New(env);
  uint32_t i = 0;
  for (const char* name : {"avx512", "avx2", "generic"})
    if (SelectKernels(name) != nullptr && std::strcmp(SelectKernels(name)->isa, name) == 0) isas.Set(i++, Napi::String::New(env, name));
  out.Set("isas", isas);
  out.Set("maxGateQubits", Napi::Number::New(env, kMaxGateQubits));
  out.Set("maxDiagonalQubits", Napi::Number::New(env, kMaxDiagQubits));
  return out;
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) BadArgument(env, "configure() without an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  const int threads = IntField(env, o, "threads", 0, 1024, 0);
  std::string isa = "auto";
  Napi::Value v = o.Get("isa");
  if (v.IsString()) isa = v.As<Napi::String>().Utf8Value();
  // -1: by precision; 0: off; a tile needs room beyond its 256-byte runs (tiling.h).
  const int tile_qubits = IntField(env, o, "tileQubits", -1, 30, -1);
  if (tile_qubits > 0 && tile_qubits < 6) BadArgument(env, "a tileQubits below 6");
  if (!GetInstance(env).Configure(static_cast<unsigned>(threads), isa.c_str(), tile_qubits)) {
    ThrowJs(env, "OPTION_INVALID", "this CPU cannot run the " + isa + " kernels (choose auto, avx512, avx2 or generic)");
  }
  return Info(info);
}

}  // namespace

void RegisterSimulate(Napi::Env env, Napi::Object exports) {
  exports.Set("sample", Napi::Function::New(env, Sample, "sample"));
  exports.Set("expectation", Napi::Function::New(env, Expectation, "expectation"));
  exports.Set("statevector", Napi::Function::New(env, Statevector, "statevector"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("configure", Napi::Function::New(env, Configure, "configure"));
}

}  // namespace qrun
