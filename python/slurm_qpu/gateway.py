"""The job gateway's HTTP API (docs/gateway-api.md) over the standard library: ``http.client`` with a
connection class that dials the job's Unix socket, the job's bearer token on every request, and JSON
error bodies turned back into coded :class:`QrunError` s.
"""
from __future__ import annotations

import errno
import http.client
import json
import socket
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote, urlsplit

from .errors import QrunError

#: Seconds one result call waits on the gateway before asking again (the gateway holds at most 60).
RESULT_WAIT_SECONDS = 30
#: Socket timeout: longer than the longest wait the gateway may hold a request for.
REQUEST_TIMEOUT_SECONDS = 90.0


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket; the host name only fills the Host header (the gateway ignores it)."""

    def __init__(self, socket_path: str, timeout: float) -> None:
        super().__init__("gateway", timeout=timeout)
        self._socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def parse_endpoint(endpoint: str) -> Tuple[Optional[str], Optional[Tuple[str, int]]]:
    """``unix:PATH`` → (PATH, None); ``http://127.0.0.1:PORT`` → (None, (host, port))."""
    if endpoint.startswith("unix:"):
        path = endpoint[len("unix:"):]
        if not path.startswith("/"):
            raise QrunError("BACKEND_UNAVAILABLE", f"QRUN_ENDPOINT {endpoint!r} is not an absolute socket path")
        return path, None
    if endpoint.startswith("http://"):
        parts = urlsplit(endpoint)
        if parts.hostname is None:
            raise QrunError("BACKEND_UNAVAILABLE", f"QRUN_ENDPOINT {endpoint!r} names no host")
        return None, (parts.hostname, parts.port or 80)
    raise QrunError(
        "BACKEND_UNAVAILABLE",
        f"QRUN_ENDPOINT {endpoint!r} is not a gateway endpoint",
        hint="Expected unix:/path/to/socket or http://127.0.0.1:PORT; the QPU job sets it.",
    )


class GatewayClient:
    """One job gateway. A fresh connection per request keeps it safe to share between threads."""

    def __init__(self, endpoint: str, token: str, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> None:
        self.endpoint = endpoint
        self._token = token
        self._timeout = timeout
        self._socket_path, self._address = parse_endpoint(endpoint)

    def _connection(self) -> http.client.HTTPConnection:
        if self._socket_path is not None:
            return _UnixHTTPConnection(self._socket_path, self._timeout)
        assert self._address is not None
        return http.client.HTTPConnection(self._address[0], self._address[1], timeout=self._timeout)

    def _unreachable(self, error: OSError) -> QrunError:
        code = error.errno
        if code in (errno.ENOENT, errno.ECONNREFUSED):
            why = "is not running"
        elif code in (errno.EACCES, errno.EPERM):
            why = "refuses this user (permission denied on its socket)"
        else:
            why = f"cannot be reached ({error})"
        hint = (
            "Only the job's own user can reach its gateway; run the program inside the job as that user."
            if code in (errno.EACCES, errno.EPERM)
            else "The gateway lives as long as the job's allocation; if the job is still running, it stopped"
            " unexpectedly — ask your admin to check the gateway log."
        )
        return QrunError(
            "BACKEND_UNAVAILABLE",
            f"the job gateway at {self.endpoint} {why}",
            hint=hint,
            details={"endpoint": self.endpoint, "errno": errno.errorcode.get(code, None) if code else None},
        )

    def call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body, allow_nan=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        connection = self._connection()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            status = response.status
            raw = response.read()
        except socket.timeout as error:
            raise QrunError(
                "BACKEND_UNAVAILABLE",
                f"the job gateway at {self.endpoint} did not answer within {self._timeout:.0f} s",
                hint="The gateway may be overloaded or stuck; ask your admin to check the gateway log.",
            ) from error
        except OSError as error:
            raise self._unreachable(error) from error
        except http.client.HTTPException as error:
            raise QrunError("BACKEND_FAILED", f"the job gateway broke off its answer: {error}") from error
        finally:
            connection.close()
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError as error:
            raise QrunError("BACKEND_FAILED", f"the job gateway sent a non-JSON reply (HTTP {status})") from error
        if status >= 400:
            raise QrunError.from_json(data, "BACKEND_FAILED", f"the job gateway answered HTTP {status}")
        return data

    def backends(self) -> Dict[str, Any]:
        return self.call("GET", "/v1/backends")

    def submit(self, task: Dict[str, Any]) -> Dict[str, Any]:
        return self.call("POST", "/v1/tasks", task)

    def status(self, task_id: str) -> Dict[str, Any]:
        return self.call("GET", f"/v1/tasks/{quote(task_id, safe='')}")

    def cancel(self, task_id: str) -> Dict[str, Any]:
        return self.call("POST", f"/v1/tasks/{quote(task_id, safe='')}/cancel")

    def result(self, task_id: str, wait_seconds: int = RESULT_WAIT_SECONDS) -> Dict[str, Any]:
        """The plain JSON result; raises ``TASK_NOT_DONE`` when the task is still running after the wait."""
        return self.call("GET", f"/v1/tasks/{quote(task_id, safe='')}/result?format=plain&wait={wait_seconds}")
