"""Where the tests that run primitives run: the job gateway named by QRUN_ENDPOINT (test/unit/python/
starts a real one), or qrun outside a job (QRUN_BIN, or qrun on PATH). Without either they skip,
saying why; the unit tests beside them need neither."""
import os
import shutil

import pytest


def _placement() -> str:
    if os.environ.get("QRUN_ENDPOINT", "") not in ("", "local:"):
        return "gateway"
    if os.environ.get("QRUN_BIN") or shutil.which("qrun"):
        return "qrun"
    return ""


@pytest.fixture(scope="session")
def placement() -> str:
    where = _placement()
    if where == "":
        pytest.skip("no QRUN_ENDPOINT and no qrun (QRUN_BIN or PATH): nothing to run primitives on")
    return where
