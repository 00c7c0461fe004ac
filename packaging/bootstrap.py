"""Set up a private virtual environment for this checkout, then run the app or the checks.

Only the standard library is used here: this script is what turns a fresh clone with nothing
but Python 3.11+ into a working CoLiv Desktop.

    python3 packaging/bootstrap.py run [coliv arguments]   # start the app (or any `coliv` command)
    python3 packaging/bootstrap.py test [pytest arguments] # lint, type-check, then all the tests
    python3 packaging/bootstrap.py bench                   # the benchmarks under tests/benchmarks

The environment lives in `.venv/` and is reinstalled only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".coliv-bootstrap-stamp"


def _venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by any Python
        sys.exit(f"CoLiv Desktop needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = _venv_bin("python")
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = _wanted_stamp()
    if not STAMP.exists() or STAMP.read_text() != stamp:
        print("Installing CoLiv Desktop and its dependencies ...", flush=True)
        quiet = ["--quiet", "--disable-pip-version-check"]
        pip = [str(python), "-m", "pip", "install", *quiet]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run(
            [*pip, "--editable", f"{ROOT}[test]"],
            check=True,
        )
        STAMP.write_text(stamp)
    compile_bytecode(python)
    return python


def compile_bytecode(python: Path) -> None:
    """Write the package's bytecode, as an installed wheel or a frozen bundle has it.

    Where PYTHONDONTWRITEBYTECODE is set (CI images, some shells), an editable checkout would
    otherwise compile every module from source on every start: a sixth of the app's start-up
    and of each command-line call the tests make. Up-to-date files are skipped in milliseconds.
    """
    subprocess.run([str(python), "-m", "compileall", "-q", "-j", "0", str(ROOT / "coliv_desktop")],
                   check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "lint"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    python = ensure_environment()
    env = dict(os.environ)
    if command == "run":
        return subprocess.call([str(python), "-m", "coliv_desktop", *rest], env=env)
    if command in {"test", "lint"}:
        for step in (
            [str(python), "-m", "ruff", "check", "coliv_desktop", "tests", "packaging"],
            [str(python), "-m", "mypy", "coliv_desktop", "packaging/bootstrap.py"],
        ):
            print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)),
                  flush=True)
            code = subprocess.call(step, cwd=ROOT, env=env)
            if code:
                return code
        if command == "lint":
            return 0
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)
    return subprocess.call(
        [str(python), "-m", "pytest", "tests/benchmarks", "-m", "benchmark", "-s", *rest],
        cwd=ROOT,
        env=env,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
