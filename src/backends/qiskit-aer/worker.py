"""The Qiskit Aer worker of slurm-qpu's `qiskit-aer` backend.

The job's gateway starts one of these per Aer backend and keeps it for the job's life, so the cost of
importing Qiskit and building a noise model is paid once, not per task. It speaks JSON lines:

  worker -> gateway, first:  {"ready": true, "pid", "versions", "encoder", "devices", "ranks"}
                         or  {"ready": false, "error": {"code", "message", "hint"}}, then exits 1
  gateway -> worker:         {"id", "kind": "sampler"|"estimator", "params": <V2 params, OpenQASM 3>,
                              "config": <the catalogue entry's Aer fields>, "seed": <int or null>}
                             {"id", "kind": "target", "config": ...}
  worker -> gateway:         {"id", "running": true} as soon as a task is read, then
                             {"id", "ok": true, "result": <PrimitiveResult, RuntimeEncoder JSON>}
                             {"id", "ok": true, "target": {"num_qubits", "coupling_map"?}}
                             {"id", "ok": false, "error": {"code", "message", "hint"?}}

Tasks run one at a time. Aer cannot interrupt a running simulation, so the gateway cancels a task by
killing this process and starting another for the next task. Nothing but protocol lines reaches
stdout: what Qiskit, Aer or a C library print goes to stderr, which the gateway logs.

With `--mpi` (the entry's `mpi`, started under an MPI launcher), rank 0 speaks to the gateway and
hands each request to every rank, since Aer's distributed state vector needs all ranks to run it.

`--check`: import everything, build the configured noise model and answer one line, then exit (the
hook's accessibility check).
"""

import base64
import io
import json
import os
import sys
import traceback
import zlib

# Codes of the project's error catalogue (src/errors.ts) that this worker reports.
CIRCUIT_UNSUPPORTED = "CIRCUIT_UNSUPPORTED"
CIRCUIT_TOO_LARGE = "CIRCUIT_TOO_LARGE"
CONFIG_INVALID = "CONFIG_INVALID"
BACKEND_UNAVAILABLE = "BACKEND_UNAVAILABLE"
BACKEND_FAILED = "BACKEND_FAILED"
PAYLOAD_INVALID = "PAYLOAD_INVALID"


class WorkerError(Exception):
    def __init__(self, code, message, hint=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def to_json(self):
        error = {"code": self.code, "message": self.message}
        if self.hint:
            error["hint"] = self.hint
        return error


def load_qiskit():
    """Imports what every task needs; a missing package is the admin's to install, so say which."""
    try:
        import numpy  # noqa: F401
        import qiskit
        import qiskit.qasm3  # noqa: F401
        import qiskit_aer
    except ImportError as error:
        raise WorkerError(
            BACKEND_UNAVAILABLE,
            f"{sys.executable} cannot import {error.name or error}: {error}",
            "Install qiskit, qiskit-aer and qiskit-qasm3-import into the Python the catalogue entry names (its `python`).",
        ) from error
    try:
        import qiskit_qasm3_import  # noqa: F401
    except ImportError as error:
        raise WorkerError(
            BACKEND_UNAVAILABLE,
            f"{sys.executable} has no qiskit-qasm3-import, which Qiskit needs to read OpenQASM 3",
            "pip install qiskit-qasm3-import into the Python the catalogue entry names.",
        ) from error
    return qiskit, qiskit_aer


def runtime_encoder():
    try:
        from qiskit_ibm_runtime import RuntimeEncoder
    except ImportError:
        return None
    return RuntimeEncoder


# ---------------------------------------------------------------------------------------------------
# The plain encoder: the RuntimeEncoder's shape for what primitive results hold, for sites whose Python
# has no qiskit-ibm-runtime. The gateway decodes either the same way (src/primitives/decode-qiskit.ts).


def _ndarray(value):
    import numpy as np

    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return {"__type__": "ndarray", "__value__": base64.standard_b64encode(zlib.compress(buffer.getvalue())).decode("ascii")}


def _plain(value):
    import numpy as np
    from qiskit.primitives import PrimitiveResult
    from qiskit.primitives.containers import BitArray, DataBin, PubResult, SamplerPubResult

    if isinstance(value, PrimitiveResult):
        return {"__type__": "PrimitiveResult", "__value__": {"pub_results": [_plain(p) for p in value], "metadata": _plain(value.metadata)}}
    if isinstance(value, SamplerPubResult):
        return {"__type__": "SamplerPubResult", "__value__": {"data": _plain(value.data), "metadata": _plain(value.metadata)}}
    if isinstance(value, PubResult):
        return {"__type__": "PubResult", "__value__": {"data": _plain(value.data), "metadata": _plain(value.metadata)}}
    if isinstance(value, DataBin):
        names = list(value.keys())
        return {
            "__type__": "DataBin",
            "__value__": {"shape": list(value.shape), "field_names": names, "fields": {name: _plain(value[name]) for name in names}},
        }
    if isinstance(value, BitArray):
        return {"__type__": "BitArray", "__value__": {"array": _ndarray(value.array), "num_bits": value.num_bits}}
    if isinstance(value, np.ndarray):
        return _ndarray(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def encode_result(result, encoder):
    if encoder is not None:
        return json.dumps(result, cls=encoder)
    return json.dumps(_plain(result))


# ---------------------------------------------------------------------------------------------------
# Configuration: the noise model and the simulator's options, built once per distinct entry.

_noise_cache = {}


def fake_backend(name):
    try:
        from qiskit_ibm_runtime import fake_provider
    except ImportError as error:
        raise WorkerError(
            BACKEND_UNAVAILABLE,
            f"noise.fake_backend {name} needs qiskit-ibm-runtime, which {sys.executable} cannot import",
            "pip install qiskit-ibm-runtime into the entry's Python, or give the noise model as a file (noise.file).",
        ) from error
    cls = getattr(fake_provider, name, None)
    if cls is None or not isinstance(cls, type):
        raise WorkerError(
            CONFIG_INVALID,
            f"noise.fake_backend: qiskit_ibm_runtime.fake_provider has no backend {name}",
            "Use a class name that exists in the installed qiskit-ibm-runtime, e.g. FakeManilaV2 or FakeSherbrooke.",
        )
    return cls()


def noise_model(noise):
    if not noise:
        return None
    key = json.dumps(noise, sort_keys=True)
    if key in _noise_cache:
        return _noise_cache[key]
    from qiskit_aer.noise import NoiseModel

    if "fake_backend" in noise:
        model = NoiseModel.from_backend(fake_backend(noise["fake_backend"]))
    else:
        path = noise["file"]
        try:
            with open(path, encoding="utf8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise WorkerError(CONFIG_INVALID, f"noise.file {path} cannot be read: {error.strerror}", "Make the file readable by the gateway's service user.") from error
        except ValueError as error:
            raise WorkerError(CONFIG_INVALID, f"noise.file {path} is not JSON: {error}", "Write it with json.dump(noise_model.to_dict(serializable=True), f).") from error
        try:
            model = NoiseModel.from_dict(data)
        except Exception as error:
            raise WorkerError(CONFIG_INVALID, f"noise.file {path} is not a NoiseModel: {type(error).__name__}: {error}", "Write it with json.dump(noise_model.to_dict(serializable=True), f).") from error
    _noise_cache[key] = model
    return model


def backend_options(config):
    from qiskit_aer import AerSimulator

    device = config.get("device", "CPU")
    if device != "CPU":
        available = AerSimulator().available_devices()
        if device not in available:
            raise WorkerError(
                BACKEND_UNAVAILABLE,
                f"Aer on this node offers the devices {', '.join(available)}, not {device}",
                "Install qiskit-aer-gpu (instead of qiskit-aer) into the entry's Python on nodes with a CUDA device, or set device CPU.",
            )
    options = {
        "method": config.get("method", "automatic"),
        "device": device,
        "precision": config.get("precision", "double"),
        "max_parallel_threads": int(config.get("max_parallel_threads", 0)),
    }
    model = noise_model(config.get("noise"))
    if model is not None:
        options["noise_model"] = model
    mpi = config.get("mpi")
    if mpi:
        options["blocking_enable"] = True
        options["blocking_qubits"] = int(mpi["blocking_qubits"])
    return options


def target(config):
    """The backend's target as the gateway checks circuits against it."""
    from qiskit_aer import AerSimulator

    noise = config.get("noise") or {}
    if "fake_backend" in noise:
        backend = fake_backend(noise["fake_backend"])
        out = {"num_qubits": int(backend.num_qubits)}
        if backend.coupling_map is not None:
            out["coupling_map"] = [[int(a), int(b)] for a, b in backend.coupling_map.get_edges()]
        return out
    options = backend_options(config)
    options.pop("noise_model", None)
    # Aer's own limit for the method: the qubits whose state fits this node's memory, or the
    # method's ceiling (matrix_product_state and stabilizer go far wider).
    return {"num_qubits": int(AerSimulator(**options).configuration().n_qubits)}


# ---------------------------------------------------------------------------------------------------
# Tasks.


def load_circuit(text, where):
    from qiskit import qasm3

    if not isinstance(text, str):
        raise WorkerError(PAYLOAD_INVALID, f"{where}: the circuit is not OpenQASM text")
    try:
        return qasm3.loads(text)
    except Exception as error:
        raise WorkerError(
            CIRCUIT_UNSUPPORTED,
            f"{where}: Qiskit cannot read the circuit the gateway sent: {type(error).__name__}: {error}",
            "Simplify the circuit (standard gates only), or run it on the built-in simulator; report it if it runs there.",
        ) from error


def for_noise(circuits, model):
    """A device's noise model holds errors for the device's basis gates: circuits are written in them
    (no routing: qubits stay where the circuit put them) so that those errors apply."""
    if model is None:
        return circuits
    from qiskit import transpile
    from qiskit.circuit.library.standard_gates import get_standard_gate_name_mapping

    standard = get_standard_gate_name_mapping()
    basis = [g for g in model.basis_gates if g in standard]
    return transpile(circuits, basis_gates=basis, optimization_level=0)


def run_task(kind, params, config, seed):
    from qiskit_aer.primitives import EstimatorV2, SamplerV2

    if not isinstance(params, dict) or not isinstance(params.get("pubs"), list):
        raise WorkerError(PAYLOAD_INVALID, "params has no pubs list")
    options = backend_options(config)
    pubs = params["pubs"]
    circuits = for_noise([load_circuit(pub[0], f"pubs[{i}]") for i, pub in enumerate(pubs)], options.get("noise_model"))
    if kind == "sampler":
        sampler = SamplerV2(seed=seed, options={"backend_options": options})
        coerced = [(circuit, pub[1] if len(pub) > 1 else None, pub[2] if len(pub) > 2 else None) for circuit, pub in zip(circuits, pubs)]
        return sampler.run(coerced).result()
    run_options = {} if seed is None else {"seed_simulator": seed}
    estimator = EstimatorV2(options={"backend_options": options, "run_options": run_options})
    coerced = [
        (circuit, pub[1], pub[2] if len(pub) > 2 else None, pub[3] if len(pub) > 3 else None) for circuit, pub in zip(circuits, pubs)
    ]
    return estimator.run(coerced).result()


def aer_failure(error):
    text = f"{type(error).__name__}: {error}"
    if "memory" in str(error).lower():
        return WorkerError(
            CIRCUIT_TOO_LARGE,
            f"Aer cannot hold the circuit in this node's memory: {text}",
            "Use fewer qubits, a method that scales (matrix_product_state, stabilizer), single precision, or a backend with more memory.",
        )
    return WorkerError(BACKEND_FAILED, f"Aer failed the task: {text}", "Fix what Aer names (often the circuit or the method) and submit again.")


def handle(request, encoder):
    """One request → the text of its reply line."""
    rid = request.get("id")
    kind = request.get("kind")
    config = request.get("config") or {}
    try:
        if kind == "target":
            return json.dumps({"id": rid, "ok": True, "target": target(config)})
        if kind not in ("sampler", "estimator"):
            raise WorkerError(PAYLOAD_INVALID, f"unknown request kind {kind!r}")
        try:
            result = run_task(kind, request.get("params"), config, request.get("seed"))
        except WorkerError:
            raise
        except Exception as error:
            traceback.print_exc(file=sys.stderr)
            raise aer_failure(error) from error
        return '{"id": %s, "ok": true, "result": %s}' % (json.dumps(rid), encode_result(result, encoder))
    except WorkerError as error:
        return json.dumps({"id": rid, "ok": False, "error": error.to_json()})


def serve(out, comm):
    qiskit, qiskit_aer = load_qiskit()
    from qiskit_aer import AerSimulator

    encoder = runtime_encoder()
    rank = 0 if comm is None else comm.Get_rank()
    if rank == 0:
        ready = {
            "ready": True,
            "pid": os.getpid(),
            "versions": {"python": sys.version.split()[0], "qiskit": qiskit.__version__, "qiskit_aer": qiskit_aer.__version__},
            "encoder": "runtime" if encoder is not None else "plain",
            "devices": list(AerSimulator().available_devices()),
            "ranks": 1 if comm is None else comm.Get_size(),
        }
        out.write(json.dumps(ready) + "\n")
        out.flush()
    while True:
        request = None
        if rank == 0:
            line = sys.stdin.readline()
            if line == "":
                request = None
            else:
                try:
                    request = json.loads(line)
                except ValueError:
                    out.write(json.dumps({"id": None, "ok": False, "error": {"code": PAYLOAD_INVALID, "message": "the request line is not JSON"}}) + "\n")
                    out.flush()
                    continue
                if isinstance(request, dict) and request.get("kind") in ("sampler", "estimator"):
                    out.write(json.dumps({"id": request.get("id"), "running": True}) + "\n")
                    out.flush()
        if comm is not None:
            request = comm.bcast(request, root=0)
        if request is None:
            return
        reply = handle(request if isinstance(request, dict) else {}, encoder)
        if rank == 0:
            out.write(reply + "\n")
            out.flush()


def check(out, config):
    """One line: whether this Python can run the entry (imports, device, noise model)."""
    try:
        load_qiskit()
        options = backend_options(config)
        out.write(json.dumps({"ok": True, "method": options["method"], "device": options["device"]}) + "\n")
    except WorkerError as error:
        out.write(json.dumps({"ok": False, "error": error.to_json()}) + "\n")


def main(argv):
    # The protocol owns the real stdout; fd 1 becomes stderr for everything else that prints.
    out = os.fdopen(os.dup(1), "w", encoding="utf8")
    os.dup2(2, 1)
    if "--check" in argv:
        config = json.loads(argv[argv.index("--check") + 1])
        check(out, config)
        out.flush()
        return 0
    comm = None
    if "--mpi" in argv:
        try:
            from mpi4py import MPI
        except ImportError:
            out.write(json.dumps({"ready": False, "error": {"code": BACKEND_UNAVAILABLE, "message": f"{sys.executable} cannot import mpi4py, which the entry's mpi needs", "hint": "Install mpi4py (built against the MPI the launcher starts) into the entry's Python."}}) + "\n")
            out.flush()
            return 1
        comm = MPI.COMM_WORLD
    try:
        serve(out, comm)
    except WorkerError as error:
        out.write(json.dumps({"ready": False, "error": error.to_json()}) + "\n")
        out.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
