"""Shared fixtures for the Python package's tests.

Run from the repository root after installing the package (see pyproject.toml):

    .venv/bin/python -m pytest tests/python -q

The reference data in ../shared (JSON-Schema-Test-Suite, real-world specs) is found through
$SPECGATE_SHARED, else <repo>/../shared. Tests that need it skip when it is absent, or fail
when CI=true.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import pytest

import specgate

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SPECS = DATA / "specs"
CLINIC = SPECS / "clinic.yaml"
BROKEN = SPECS / "broken.yaml"

# A bearer token and a JSON body that the clinic spec accepts for POST /v1/patients.
BEARER = {"Authorization": "Bearer token-123"}
POST_HEADERS = {"Authorization": "Bearer token-123", "Content-Type": "application/json"}
PATIENT = b'{"name": "Rex", "species": "dog", "weight_kg": 31.5}'


def find_shared() -> Optional[Path]:
    """$SPECGATE_SHARED when set (an explicit choice is not second-guessed), else
    <repo>/../shared; None when the chosen folder does not exist."""
    env = os.environ.get("SPECGATE_SHARED")
    candidate = Path(env) if env else REPO.parent / "shared"
    return candidate.resolve() if candidate.is_dir() else None


def shared_hint() -> str:
    env = os.environ.get("SPECGATE_SHARED")
    if env:
        return f"SPECGATE_SHARED={env}"
    return f"{REPO.parent / 'shared'} (set SPECGATE_SHARED to override)"


def require_shared() -> Path:
    """The shared folder, or skip (fail under CI=true) with a message saying where we looked."""
    shared = find_shared()
    if shared is None:
        message = f"shared reference data not found: {shared_hint()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return shared


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def clinic() -> specgate.Spec:
    return specgate.Spec.from_file(CLINIC)


@pytest.fixture(scope="session")
def clinic_text() -> str:
    return CLINIC.read_text(encoding="utf-8")


def load_json(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
