"""Build CoLiv Desktop as a one-folder app with PyInstaller.

Only the standard library is used here, as in bootstrap.py: on a fresh clone with Python 3.11+

    python3 packaging/build.py            # -> dist/CoLiv/coliv (coliv.exe; dist/CoLiv.app)
    python3 packaging/build.py --clean    # drop PyInstaller's cache in build/ first
    python3 packaging/build.py --archive  # Linux: also dist/CoLiv-VERSION-linux-ARCH.tar.gz

sets up `.venv` (through bootstrap.py), installs the pinned PyInstaller from pyproject.toml's
`build` extra into it, and runs packaging/coliv.spec. Installers and signing, per operating
system, are in packaging/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bootstrap  # noqa: E402 - the sibling script, not a package

ROOT = bootstrap.ROOT
SPEC = ROOT / "packaging" / "coliv.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP_FOLDER = DIST / "CoLiv"


def executable() -> Path:
    """The program inside the built folder, for this operating system."""
    if sys.platform == "darwin":
        return DIST / "CoLiv.app" / "Contents" / "MacOS" / "coliv"
    return APP_FOLDER / ("coliv.exe" if os.name == "nt" else "coliv")


def build_requirements() -> list[str]:
    """The `build` extra of pyproject.toml: one place pins PyInstaller."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    requirements: list[str] = project["optional-dependencies"]["build"]
    return requirements


def add_linux_files() -> None:
    """The menu entry and the per-user installer go beside the executable (packaging/linux/)."""
    for name in ("coliv.desktop", "install.sh"):
        shutil.copy2(ROOT / "packaging" / "linux" / name, APP_FOLDER / name)


def archive() -> Path:
    version = json.loads((APP_FOLDER / "_internal" / "build-info.json").read_text())["version"]
    base = DIST / f"CoLiv-{version}-linux-{platform.machine()}"
    return Path(shutil.make_archive(str(base), "gztar", root_dir=DIST, base_dir="CoLiv"))


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clean", action="store_true",
                        help="empty PyInstaller's cache (build/) before building")
    parser.add_argument("--archive", action="store_true",
                        help="Linux: pack the app folder as a .tar.gz in dist/")
    args = parser.parse_args(argv)

    python = bootstrap.ensure_environment()
    print("Installing the build tools:", ", ".join(build_requirements()), flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    *build_requirements()], check=True)
    if args.clean and WORK.exists():
        shutil.rmtree(WORK)

    started = time.monotonic()
    command = [str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    print("$", " ".join(command[1:]), flush=True)
    code = subprocess.call(command, cwd=ROOT)
    if code:
        return code
    program = executable()
    if not program.exists():
        print(f"PyInstaller finished but {program} is missing", file=sys.stderr)
        return 1
    linux = sys.platform.startswith("linux")
    if linux:
        add_linux_files()
    size = folder_size(APP_FOLDER)
    print(f"Built {program.relative_to(ROOT)} in {time.monotonic() - started:.0f} s; "
          f"{APP_FOLDER.relative_to(ROOT)}/ holds {size / 1e6:.0f} MB", flush=True)
    if args.archive and linux:
        packed = archive()
        print(f"Packed {packed.relative_to(ROOT)}: {packed.stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
