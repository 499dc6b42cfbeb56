"""`python -m specgate` (and the `specgate` console script's main()): the C++ command line,
same output, same exit codes: 0 success/valid, 1 problems/invalid, 2 bad usage or bad spec."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import specgate
from specgate.__main__ import main
from conftest import BROKEN, CLINIC, REPO


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "specgate", *args], cwd=cwd,
                          capture_output=True, timeout=120)


def test_lint_ok():
    done = run("lint", str(CLINIC))
    assert done.returncode == 0, done.stderr
    operations = len(specgate.Spec.from_file(CLINIC).operations)
    assert done.stdout.decode() == f"{CLINIC}: OK (OpenAPI 3.0.3, {operations} operations)\n"
    assert done.stderr == b""


def test_lint_broken_lists_problems():
    relative = os.path.relpath(BROKEN, REPO)
    done = run("lint", relative)
    assert done.returncode == 1
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 5
    assert lines[0] == (f"{relative}:8:11: /paths/~1a~1{{id}}/get/parameters/1: "
                        'a parameter needs "name" and "in"')
    assert all(line.startswith(f"{relative}:") for line in lines)
    assert done.stderr.decode() == f"specgate: {relative}: 5 problems\n"


def test_lint_missing_file(tmp_path):
    done = run("lint", str(tmp_path / "nope.yaml"))
    assert done.returncode == 1
    assert b"cannot open" in done.stdout


def test_routes():
    done = run("routes", str(CLINIC))
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    assert len(lines) == len(specgate.Spec.from_file(CLINIC).operations)
    assert "GET      /health  health" in lines
    assert "POST     /patients  createPatient  [secured]" in lines
    assert run("routes", str(BROKEN)).returncode == 2


def test_validate_valid_and_invalid():
    valid = run("validate", str(CLINIC), "--method", "POST", "--path", "/v1/patients",
                "-H", "Authorization: Bearer t", "-H", "Content-Type: application/json",
                "--data", '{"name": "Rex", "species": "dog"}')
    assert valid.returncode == 0, valid.stdout
    result = json.loads(valid.stdout)
    assert result["status"] == 200 and result["operation_id"] == "createPatient"

    invalid = run("validate", str(CLINIC), "--method", "GET", "--path", "/v1/patients?limit=0",
                  "-H", "Authorization: Bearer t", "--all")
    assert invalid.returncode == 1
    result = json.loads(invalid.stdout)
    assert result["status"] == 400 and result["errors"][0]["name"] == "limit"
    # The CLI prints what the binding's RequestResult.json() renders for the same request.
    spec = specgate.Spec.from_file(CLINIC, mode="all")
    same = spec.validate_request("GET", "/v1/patients?limit=0",
                                 headers={"Authorization": "Bearer t"})
    assert invalid.stdout == same.json() + b"\n"


def test_validate_data_from_file(tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{"name": "Rex", "species": "parrot"}')
    done = run("validate", str(CLINIC), "-X", "POST", "--path", "/v1/patients",
               "-H", "Authorization: Bearer t", "-H", "Content-Type: application/json",
               "--data", f"@{body}")
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["pointer"] == "/species"


@pytest.mark.parametrize("args", [
    (), ("frobnicate",), ("lint",), ("validate", str(CLINIC)),
    ("validate", str(CLINIC), "--method", "GET"), ("validate", str(CLINIC), "--bogus"),
])
def test_bad_usage(args):
    done = run(*args)
    assert done.returncode == 2
    assert done.stderr.startswith(b"specgate: ")
    assert b"usage:" in done.stderr


def test_validate_with_bad_spec():
    done = run("validate", str(BROKEN), "--method", "GET", "--path", "/a/1")
    assert done.returncode == 2
    assert b"5 problems" in done.stderr


def test_help():
    done = run("--help")
    assert done.returncode == 0
    assert done.stdout.startswith(b"usage:")


def test_main_in_process(capsysbinary):
    assert main(["lint", str(CLINIC)]) == 0
    out, err = capsysbinary.readouterr()
    assert out.endswith(b"operations)\n") and err == b""
    assert main(["nope"]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b"" and err.startswith(b'specgate: unknown command "nope"')


def _executable():
    """The C++ `specgate` executable: $SPECGATE_CLI, else that of the default build when it is
    newer than the sources."""
    if os.environ.get("SPECGATE_CLI"):
        return Path(os.environ["SPECGATE_CLI"])
    candidate = REPO / "build" / "specgate"
    if not candidate.is_file():
        return None
    sources = [*(REPO / "src").glob("*"), *(REPO / "include" / "specgate").glob("*.h")]
    if any(p.stat().st_mtime > candidate.stat().st_mtime for p in sources):
        return None
    return candidate


@pytest.mark.parametrize("args", [
    ("lint", "tests/data/specs/clinic.yaml"),
    ("lint", "tests/data/specs/broken.yaml"),
    ("routes", "tests/data/specs/clinic.yaml"),
    ("validate", "tests/data/specs/clinic.yaml", "--method", "GET", "--path", "/v1/patients/0",
     "-H", "Authorization: Bearer t"),
    ("validate",),
])
def test_same_output_as_the_executable(args):
    executable = _executable()
    if executable is None:
        pytest.skip("no up-to-date C++ executable at build/specgate (scripts/test.sh builds it; "
                    "or set SPECGATE_CLI)")
    expected = subprocess.run([str(executable), *args], cwd=REPO, capture_output=True, timeout=120)
    actual = run(*args)
    assert (actual.returncode, actual.stdout, actual.stderr) == (
        expected.returncode, expected.stdout, expected.stderr)
