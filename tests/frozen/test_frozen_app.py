"""The PyInstaller bundle holds what the app needs at run time: each test runs the frozen
executable the way an operator would, offscreen (see conftest.py for how it is built)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import create_pg_database, drop_pg_database
from tests.frozen.conftest import ROOT, Bundle, run

pytestmark = pytest.mark.frozen

# What a Linux desktop provides and the bundle deliberately leaves to it (packaging/README.md).
SYSTEM_LIBRARIES = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libwayland-cursor.so.0",
                    "libwayland-egl.so.1", "libwayland-client.so.0", "libcups.so.2"}


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].strip()


def test_version_is_the_package_version(bundle: Bundle, tmp_path: Path) -> None:
    result = run(bundle.program, ["--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"CoLiv Desktop {version('coliv-desktop')}"
    baked = json.loads((bundle.internal / "build-info.json").read_text("utf-8"))
    assert baked["version"] == version("coliv-desktop")
    assert {c["name"] for c in baked["components"]} >= {"PySide6", "SQLAlchemy", "keyring"}


def test_the_bundle_carries_what_is_loaded_by_name_and_leaves_out_the_rest(
        bundle: Bundle) -> None:
    inside = bundle.internal
    assert sorted(p.name for p in (inside / "migrations" / "versions").glob("*.py")) == sorted(
        p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    assert (inside / "migrations" / "env.py").is_file()
    for resource in ("fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf", "icons/coliv.svg",
                     "templates/lease_agreement.txt", "demo/portfolio.json"):
        assert (inside / "resources" / resource).is_file(), resource
    assert (inside / "licences" / "LGPL-3.0.txt").is_file()
    assert (bundle.folder / "coliv.desktop").is_file() and (bundle.folder / "install.sh").is_file()
    qt = inside / "PySide6" / "Qt"
    for plugin in ("platforms/libqxcb.so", "platforms/libqwayland.so",
                   "platforms/libqoffscreen.so", "imageformats/libqsvg.so",
                   "imageformats/libqjpeg.so", "iconengines/libqsvgicon.so",
                   "printsupport/libcupsprintersupport.so",
                   "platformthemes/libqxdgdesktopportal.so"):
        assert (qt / "plugins" / plugin).is_file(), plugin
    for library in ("libQt6Pdf.so.6", "libQt6PdfWidgets.so.6", "libQt6Charts.so.6",
                    "libQt6Svg.so.6"):
        assert (qt / "lib" / library).is_file(), library
    assert (inside / "babel" / "locale-data" / "el.dat").is_file()
    entry_points = next(inside.glob("keyring-*.dist-info")) / "entry_points.txt"
    assert "SecretService = keyring.backends.SecretService" in entry_points.read_text()
    assert next((inside / "psycopg_binary").glob("_psycopg*.so")).is_file()

    names = {str(p.relative_to(inside)) for p in inside.rglob("*")}
    for unwanted in ("WebEngine", "Qt3D", "Qt6Quick", "Qt6Qml", "Multimedia",
                     "VirtualKeyboard", "translations", "qgtk3", "numpy/_core/tests", "scipy/"):
        assert not [n for n in names if unwanted in n], unwanted
    dangling = [p for p in inside.iterdir() if p.is_symlink() and not p.exists()]
    assert dangling == []


def test_every_library_finds_what_it_links_against(bundle: Bundle) -> None:
    """Pruning the bundle never removed a library that a kept one still needs."""
    missing: dict[str, set[str]] = {}
    for path in bundle.internal.rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        listing = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        for name in re.findall(r"^\s*(\S+) => not found", listing, re.M):
            if name not in SYSTEM_LIBRARIES:
                missing.setdefault(str(path.relative_to(bundle.internal)), set()).add(name)
    assert missing == {}


def test_a_sqlite_book_from_init_to_a_greek_receipt(bundle: Bundle, tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = ["--db", f"sqlite:///{tmp_path / 'book.db'}"]
    result = run(bundle.program, [*db, "init"], data)
    assert result.returncode == 0, result.stderr
    result = run(bundle.program, [*db, "demo"], data)
    assert result.returncode == 0, result.stderr
    assert "loaded the demo portfolio" in result.stdout

    picture = tmp_path / "dashboard.png"
    result = run(bundle.program, [*db, "--screenshot", str(picture)], data)
    assert result.returncode == 0, result.stderr
    with Image.open(picture) as image:
        assert image.size == (1280, 800)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 200  # text, charts and icons drawn, not a blank window
    assert max(count for count, _ in colours) < 0.9 * 1280 * 800

    # A tenant whose name needs the bundled DejaVu font (the PDF base fonts have no Greek).
    book = tmp_path / "greek.db"
    db = ["--db", f"sqlite:///{book}"]
    assert run(bundle.program, [*db, "init"], data).returncode == 0
    prop = last_line(run(bundle.program, [*db, "property", "add", "--name", "Οικία Ήλιος",
                                          "--address", "Ερμού 12", "--city", "Αθήνα",
                                          "--state", "Αττική", "--zip", "10563"], data))
    unit = last_line(run(bundle.program, [*db, "unit", "add", "--property", prop, "--number",
                                          "1A", "--bedrooms", "2", "--bathrooms", "1"], data))
    room = last_line(run(bundle.program, [*db, "room", "add", "--unit", unit, "--number", "A",
                                          "--rent", "650"], data))
    tenant = last_line(run(bundle.program, [*db, "tenant", "add", "--first-name", "Ελένη",
                                            "--last-name", "Παπαδοπούλου", "--email",
                                            "eleni@example.com"], data))
    lease = last_line(run(bundle.program, [*db, "lease", "add", "--room", room, "--tenant",
                                           tenant, "--start", "2026-01-01"], data))
    payment = last_line(run(bundle.program, [*db, "payment", "add", "--lease", lease,
                                             "--amount", "650", "--date", "2026-01-02",
                                             "--method", "bank_transfer"], data))
    receipt = tmp_path / "receipt.pdf"
    result = run(bundle.program, [*db, "receipt", payment, "--out", str(receipt)], data)
    assert result.returncode == 0, result.stderr
    pdf = PdfReader(receipt)
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Ελένη Παπαδοπούλου" in text
    fonts = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in font for font in fonts), fonts
    shutil.copy(receipt, ROOT / "build" / "frozen-receipt.pdf")  # to look at after a run
    shutil.copy(picture, ROOT / "build" / "frozen-dashboard.png")


def test_a_postgresql_book(bundle: Bundle, tmp_path: Path) -> None:
    """The driver (psycopg with its own libpq) is in the bundle: init, demo and a report."""
    url = create_pg_database(f"coliv_frozen_{os.getpid()}")
    try:
        db = ["--db", url.render_as_string(hide_password=False)]
        data = tmp_path / "data"
        for command in (["init"], ["demo"]):
            result = run(bundle.program, [*db, *command], data)
            assert result.returncode == 0, result.stderr
        result = run(bundle.program, [*db, "dashboard"], data)
        assert result.returncode == 0, result.stderr
        assert "Maple Commons" in result.stdout
        picture = tmp_path / "pg.png"
        result = run(bundle.program, [*db, "--screenshot", str(picture), "--pane", "tenants"],
                     data)
        assert result.returncode == 0, result.stderr
    finally:
        drop_pg_database(url)


def test_figures_bundle_size_and_start_against_source(bundle: Bundle, tmp_path: Path) -> None:
    """Prints the figures packaging/README.md quotes; asserts nothing about time."""
    data = tmp_path / "data"
    book = ["--db", f"sqlite:///{tmp_path / 'book.db'}"]
    assert run(bundle.program, [*book, "init"], data).returncode == 0
    assert run(bundle.program, [*book, "demo"], data).returncode == 0
    source = ROOT / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "coliv"

    def timed(program: Path, args: list[str]) -> float:
        started = time.monotonic()
        result = run(program, args, data)
        assert result.returncode == 0, result.stderr
        return time.monotonic() - started

    rows = []
    for label, args in (("coliv --version", ["--version"]),
                        ("dashboard (CLI report)", [*book, "dashboard"]),
                        ("window to a rendered dashboard", [*book, "--screenshot",
                                                            str(tmp_path / "s.png")])):
        # The first run of each is the cold one (files not yet in the page cache for the
        # frozen app just built); then the best of three warm runs.
        frozen = [timed(bundle.program, args) for _ in range(4)]
        from_source = [timed(source, args) for _ in range(4)]
        rows.append(f"  {label:32} frozen {frozen[0]:5.2f} s first, {min(frozen[1:]):5.2f} s "
                    f"warm | source {from_source[0]:5.2f} s first, "
                    f"{min(from_source[1:]):5.2f} s warm")
    built = f"{bundle.build_seconds:.0f} s" if bundle.build_seconds is not None else "not built"
    print(f"\n[frozen] build {built}; dist/CoLiv holds {bundle.size() / 1e6:.0f} MB "
          f"({bundle.size() / 2**20:.0f} MiB)\n" + "\n".join(rows))


def test_the_linux_install_script_adds_the_app_for_one_user(bundle: Bundle,
                                                              tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}
    subprocess.run(["sh", str(bundle.folder / "install.sh")], env=env, check=True,
                   capture_output=True)
    installed = home / ".local" / "lib" / "coliv-desktop"
    entry = (home / ".local/share/applications/coliv.desktop").read_text()
    assert f"Exec={installed}/coliv\n" in entry and "Icon=coliv\n" in entry
    for size in (16, 48, 256, 512):
        assert (home / f".local/share/icons/hicolor/{size}x{size}/apps/coliv.png").is_file()
    result = run(home / ".local" / "bin" / "coliv", ["--version"], tmp_path / "data")
    assert result.stdout.strip() == f"CoLiv Desktop {version('coliv-desktop')}"
    subprocess.run(["sh", str(installed / "install.sh"), "--remove"], env=env, check=True,
                   capture_output=True)
    assert not installed.exists() and not (home / ".local" / "bin" / "coliv").exists()
