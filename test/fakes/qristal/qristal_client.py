"""A small client of the QB hardware HTTP API, written from how Qristal's `qdk` backend
(qristal-core, src/backends/hardware/qb/qdk.cpp) talks to a device, for checking the fake against
that reading of the API. No Quantum Brilliance client is published on PyPI, so this stands in for
one; it is this project's own code and uses only the standard library.

What it does as qdk does:
  * every request carries Content-type: application/json, Connection: keep-alive, Accept: */*;
  * with a token ("exclusive access") every request carries Authorization: Bearer <token>, and the
    device is reserved first with PUT api/v1/reservations and an empty body;
  * GET api/v1/native-gates as a sign of life;
  * POST api/v1/circuits with {command, settings: {shots, results, shot_fulfilment_strategy},
    init, circuit, measure}, reading the circuit id from the reply's "id";
  * GET api/v1/circuits/<id> every poll_secs: 425 means "not yet", a reply without "data" too; the
    shots are tallied as bit strings, each shot's bits in measurement order;
  * any other status is an error carrying the reply's "detail".

Usage: qristal_client.py URL CIRCUIT_JSON [--token T] [--release]
Prints one JSON line: {"native_gates": ..., "id": ..., "counts": {...}} or {"error": status, "detail": ...}.
"""
import json
import sys
import time
import urllib.error
import urllib.request


class DeviceError(Exception):
    def __init__(self, status, detail):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class Device:
    def __init__(self, url, token=None):
        self.url = url.rstrip("/") + "/"
        self.headers = {"Content-type": "application/json", "Connection": "keep-alive", "Accept": "*/*"}
        if token is not None:
            self.headers["Authorization"] = "Bearer " + token
        self.exclusive = token is not None

    def http(self, method, path, body=None):
        data = None if body is None else body.encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                text = reply.read().decode()
                return {"status_code": 200} if text == "null" else json.loads(text)
        except urllib.error.HTTPError as error:
            if error.code == 425:
                return {"status_code": 425}
            detail = "not provided by hardware"
            try:
                detail = json.loads(error.read().decode())["detail"]
            except (ValueError, KeyError, TypeError):
                pass
            raise DeviceError(error.code, detail)

    def setup(self):
        if self.exclusive:
            self.http("PUT", "api/v1/reservations", "")
        return self.http("GET", "api/v1/native-gates")

    def execute(self, circuit, measure, shots, qubits):
        body = {
            "command": "circuit",
            "settings": {"shots": shots, "results": "normal", "shot_fulfilment_strategy": "exact"},
            "init": [0] * qubits,
            "circuit": circuit,
            "measure": [[qubit, index] for index, qubit in enumerate(measure)],
        }
        return int(self.http("POST", "api/v1/circuits", json.dumps(body))["id"])

    def poll(self, circuit_id, shots, poll_secs=0.05, poll_retries=200):
        counts = {}
        for _ in range(poll_retries):
            time.sleep(poll_secs)
            reply = self.http("GET", f"api/v1/circuits/{circuit_id}")
            data = reply.get("data")
            if data is None:
                continue
            tallied = 0
            for shot in data:
                if tallied < shots:
                    bits = "".join(str(bit) for bit in shot)
                    counts[bits] = counts.get(bits, 0) + 1
                    tallied += 1
            return counts
        raise DeviceError(0, "no result after polling")

    def release(self):
        self.http("DELETE", "api/v1/reservations")


def main(argv):
    url, spec_file = argv[1], argv[2]
    token = argv[argv.index("--token") + 1] if "--token" in argv else None
    with open(spec_file) as f:
        spec = json.load(f)
    device = Device(url, token)
    try:
        gates = device.setup()
        circuit_id = device.execute(spec["circuit"], spec["measure"], spec["shots"], spec["qubits"])
        counts = device.poll(circuit_id, spec["shots"])
        if "--release" in argv:
            device.release()
        print(json.dumps({"native_gates": gates, "id": circuit_id, "counts": counts}))
    except DeviceError as error:
        print(json.dumps({"error": error.status, "detail": error.detail}))


if __name__ == "__main__":
    main(sys.argv)
