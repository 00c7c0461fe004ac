"""The frozen app: built once per session with packaging/build.py, then run as a user would.

Deselected by default (marker `frozen`); `.ci/run` runs them after the suite:

    .venv/bin/python -m pytest -m frozen tests/frozen -s

COLIV_FROZEN_APP=dist/CoLiv runs them against a folder built before (no rebuild).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FROZEN_ENV = "COLIV_FROZEN_APP"


@dataclass(frozen=True)
class Bundle:
    folder: Path
    build_seconds: float | None  # None when COLIV_FROZEN_APP named a folder built earlier

    @property
    def program(self) -> Path:
        return self.folder / ("coliv.exe" if os.name == "nt" else "coliv")

    @property
    def internal(self) -> Path:
        return self.folder / "_internal"

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.folder.rglob("*")
                   if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    given = os.environ.get(FROZEN_ENV)
    if given:
        return Bundle(Path(given).resolve(), None)
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], cwd=ROOT, check=True,
                   timeout=1800)
    return Bundle(ROOT / "dist" / "CoLiv", time.monotonic() - started)


def run(program: Path | str, args: Sequence[str], data_dir: Path,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """One run of the app as a user starts it: offscreen, its own data folder, no
    COLIV_DB_URL, and none of this test process's Python settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "COLIV_")) and k != "VIRTUAL_ENV"}
    env.update(QT_QPA_PLATFORM="offscreen", COLIV_DATA_DIR=str(data_dir))
    return subprocess.run([str(program), *args], capture_output=True, text=True, env=env,
                          timeout=timeout, encoding="utf-8")
