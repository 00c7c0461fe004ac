"""Set up a private virtual environment for this checkout, then run the app or the checks.

Only the standard library is used here: this script is what turns a fresh clone with nothing
but Python 3.11+ into a working CoLiv Desktop.

    python3 packaging/bootstrap.py run [coliv arguments]   # start the app (or any `coliv` command)
    python3 packaging/bootstrap.py test [pytest arguments] # lint, type-check, then all the tests
    python3 packaging/bootstrap.py bench                   # the benchmarks under tests/benchmarks

The environment lives in `.venv/` and is reinstalled only when pyproject.toml changes.

On Linux the window needs a few system libraries that Python's packages cannot bring (Qt's X11
plugin links against the xcb utility libraries). When the app fails to start its window, the
missing ones are found with `ldd` and named, with the command that installs them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


# The system libraries Qt's X11 (xcb) platform plugin and the Qt libraries it loads link
# against, from `ldd` on PySide6's plugins/platforms/libqxcb.so and lib/libQt6XcbQpa.so.6 (the
# Qt libraries themselves and ICU come with PySide6): soname -> (Debian/Ubuntu, Fedora) package.
XCB_PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}
INSTALL = {"debian": "sudo apt-get install", "fedora": "sudo dnf install"}


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` reports as "not found", in order, once each."""
    missing: list[str] = []
    for line in ldd_output.splitlines():
        name, _, where = line.strip().partition("=>")
        if where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def linux_family(os_release: str) -> str | None:
    """"debian" or "fedora" from /etc/os-release (ID and ID_LIKE), else None."""
    ids: list[str] = []
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids += value.strip().strip('"').lower().split()
    for family, names in (("debian", {"debian", "ubuntu"}),
                          ("fedora", {"fedora", "rhel", "centos"})):
        if names & set(ids):
            return family
    return None


def install_advice(missing: list[str], os_release: str) -> str:
    """What to tell the person: the libraries missing and the command that installs them
    (for their distribution, or for both families when it is not known)."""
    lines = ["CoLiv Desktop could not open its window: Qt's X11 (xcb) plugin needs system "
             "libraries that are not installed:", "  " + ", ".join(missing)]
    family = linux_family(os_release)
    for name, column in (("debian", 0), ("fedora", 1)):
        if family not in (None, name):
            continue
        packages: list[str] = []
        for soname in missing:
            known = XCB_PACKAGES.get(soname)
            package = known[column] if known else None
            if package and package not in packages:
                packages.append(package)
        if packages:
            where = "" if family else (" (Debian, Ubuntu)" if name == "debian"
                                       else " (Fedora, RHEL)")
            lines.append(f"Install them with{where}:")
            lines.append(f"  {INSTALL[name]} {' '.join(packages)}")
    lines.append('(The README lists them under "Linux: system packages".)')
    return "\n".join(lines)


def qt_xcb_files(root: Path = VENV) -> list[Path]:
    """PySide6's X11 plugin and the Qt library it loads, in the virtual environment."""
    found: list[Path] = []
    for pattern in ("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so",
                    "lib/python3*/site-packages/PySide6/Qt/lib/libQt6XcbQpa.so.6"):
        found += sorted(root.glob(pattern))
    return found


def diagnose_qt(root: Path = VENV) -> str | None:
    """On Linux, the advice for the system libraries Qt's X11 plugin lacks (None: none lack,
    or `ldd` is not there to tell)."""
    ldd = shutil.which("ldd")
    if not sys.platform.startswith("linux") or ldd is None:
        return None
    missing: list[str] = []
    for path in qt_xcb_files(root):
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, check=False)
        missing += [name for name in missing_libraries(done.stdout) if name not in missing]
    if not missing:
        return None
    try:
        os_release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        os_release = ""
    return install_advice(missing, os_release)


COLIV_EXIT_CODES = frozenset({*range(9), 130, 141})


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "lint"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    python = ensure_environment()
    env = dict(os.environ)
    if command == "run":
        code = subprocess.call([str(python), "-m", "coliv_desktop", *rest], env=env)
        # not one of coliv's exit codes (the README's table): Qt aborted, as when its platform
        # plugin cannot load; say what the system lacks
        if code not in COLIV_EXIT_CODES:
            advice = diagnose_qt()
            if advice is not None:
                print(advice, file=sys.stderr)
        return code
    if command in {"test", "lint"}:
        for step in (
            [str(python), "-m", "ruff", "check", "coliv_desktop", "tests", "packaging"],
            [str(python), "-m", "mypy", "coliv_desktop", "packaging/bootstrap.py"],
            [str(python), "-m", "vulture"],  # unused code; [tool.vulture] in pyproject.toml
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
