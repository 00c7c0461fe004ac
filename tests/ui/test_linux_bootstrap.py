"""Linux quick start (issue 10, item 14): when Qt cannot open its X11 window, the bootstrap
names the system libraries missing (read from `ldd` on Qt's xcb plugin) and the command that
installs them, for Debian/Ubuntu or Fedora."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# `ldd .venv/.../PySide6/Qt/plugins/platforms/libqxcb.so` on a Debian 12 machine with only
# libxcb-cursor0 of the xcb utility libraries installed (as the issue found it)
LDD_QXCB = """\
\tlinux-vdso.so.1 (0x00007ffd5a7d2000)
\tlibQt6XcbQpa.so.6 => /w/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c8c600000)
\tlibQt6Gui.so.6 => /w/PySide6/Qt/lib/libQt6Gui.so.6 (0x00007f0c8bc00000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f0c8d3f5000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f0c8d3ec000)
\tlibxcb-image.so.0 => /lib/x86_64-linux-gnu/libxcb-image.so.0 (0x00007f0c8d3e6000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-randr.so.0 => /lib/x86_64-linux-gnu/libxcb-randr.so.0 (0x00007f0c8d3d1000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0c8d43c000)
"""
DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nVERSION_ID=40\nID=fedora\n'
ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n'


@pytest.fixture(scope="module")
def bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coliv_bootstrap",
                                                  ROOT / "packaging" / "bootstrap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_missing_libraries_are_read_from_ldd(bootstrap: ModuleType) -> None:
    assert bootstrap.missing_libraries(LDD_QXCB) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert bootstrap.missing_libraries("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(("os_release", "command"), [
    (DEBIAN, "  sudo apt-get install libxcb-icccm4 libxcb-keysyms1"),
    (UBUNTU, "  sudo apt-get install libxcb-icccm4 libxcb-keysyms1"),
    (FEDORA, "  sudo dnf install xcb-util-wm xcb-util-keysyms"),
    (ROCKY, "  sudo dnf install xcb-util-wm xcb-util-keysyms"),
])
def test_the_advice_names_the_libraries_and_the_install_command(
        bootstrap: ModuleType, os_release: str, command: str) -> None:
    advice = bootstrap.install_advice(bootstrap.missing_libraries(LDD_QXCB), os_release)
    lines = advice.splitlines()
    assert lines[1] == "  libxcb-icccm.so.4, libxcb-keysyms.so.1"
    assert lines[2] == "Install them with:" and lines[3] == command
    assert "README" in lines[-1]


def test_an_unknown_distribution_gets_both_commands(bootstrap: ModuleType) -> None:
    advice = bootstrap.install_advice(["libxcb-cursor.so.0", "libxcb-xkb.so.1"], "ID=arch\n")
    assert "  sudo apt-get install libxcb-cursor0 libxcb-xkb1" in advice
    assert "  sudo dnf install xcb-util-cursor libxcb" in advice


def test_every_library_the_xcb_plugin_links_has_its_packages(bootstrap: ModuleType) -> None:
    """The table covers what the plugin and libQt6XcbQpa need beyond Qt itself (on this
    machine's PySide6, when objdump is there to read them)."""
    import shutil

    objdump = shutil.which("objdump")
    files = bootstrap.qt_xcb_files(ROOT / ".venv")
    if objdump is None or not files:  # not Linux, or another layout: the table stands alone
        assert "libxcb-icccm.so.4" in bootstrap.XCB_PACKAGES
        return
    needed: set[str] = set()
    for path in files:
        dump = subprocess.run([objdump, "-p", str(path)], capture_output=True, text=True,
                              check=True).stdout
        needed |= {line.split()[1] for line in dump.splitlines() if "NEEDED" in line}
    system = {name for name in needed if not name.startswith(("libQt6", "libstdc++", "libm.",
                                                             "libgcc_s", "libc."))}
    assert system - set(bootstrap.XCB_PACKAGES) == set()


def test_run_prints_the_advice_when_qt_aborts(
        bootstrap: ModuleType, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ran: list[list[str]] = []
    monkeypatch.setattr(bootstrap, "ensure_environment", lambda: Path(sys.executable))
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: "/usr/bin/ldd")
    monkeypatch.setattr(bootstrap.sys, "platform", "linux")
    monkeypatch.setattr(bootstrap, "qt_xcb_files", lambda root=None: [Path("/q/libqxcb.so")])

    def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        ran.append(args)
        return subprocess.CompletedProcess(args, 0, LDD_QXCB, "")

    monkeypatch.setattr(bootstrap.subprocess, "run", fake_run)
    monkeypatch.setattr(bootstrap.subprocess, "call", lambda *a, **k: 250)  # Qt's abort
    assert bootstrap.main(["run"]) == 250
    err = capsys.readouterr().err
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in err
    assert ("sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in err
            or "sudo dnf install xcb-util-wm xcb-util-keysyms" in err)
    assert ran == [["/usr/bin/ldd", "/q/libqxcb.so"]]
    # a command that failed the ordinary way (exit 2: bad input) is not about Qt
    monkeypatch.setattr(bootstrap.subprocess, "call", lambda *a, **k: 2)
    assert bootstrap.main(["run", "room", "add"]) == 2
    assert capsys.readouterr().err == ""
