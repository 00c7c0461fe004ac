"""The app's identity: one version everywhere, the licences listed, the icon set complete."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
from PIL import Image

from coliv_desktop import appinfo
from coliv_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_coliv_version_prints_the_package_metadata_version(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"CoLiv Desktop {version('coliv-desktop')}"
    import coliv_desktop

    assert coliv_desktop.__version__ == version("coliv-desktop")


def test_a_frozen_app_reads_the_version_and_licences_baked_at_build_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    baked = {"version": "9.8.7", "components": [
        {"name": "PySide6", "version": "6.0", "licence": "LGPL-3.0-only", "url": ""}]}
    (tmp_path / appinfo.BUILD_INFO).write_text(json.dumps(baked), "utf-8")
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    for cached in (appinfo._baked, appinfo.version, appinfo.components):
        cached.cache_clear()
    try:
        assert appinfo.version() == "9.8.7"
        assert appinfo.components() == (appinfo.Component("PySide6", "6.0", "LGPL-3.0-only"),)
    finally:
        monkeypatch.undo()
        for cached in (appinfo._baked, appinfo.version, appinfo.components):
            cached.cache_clear()
    assert appinfo.version() == version("coliv-desktop")


def test_the_components_are_the_run_time_dependencies_with_their_licences() -> None:
    found = {c.name.lower(): c for c in appinfo.components()}
    assert found["sqlalchemy"].licence == "MIT"
    assert "LGPL-3.0" in found["pyside6"].licence
    assert "psycopg-binary" in found  # through the extra that pyproject asks for
    for test_only in ("pytest", "hypothesis", "scipy", "pyinstaller", "coliv-desktop"):
        assert test_only not in found
    assert appinfo.build_info()["version"] == version("coliv-desktop")


def test_the_icon_set_has_every_size_the_platforms_use() -> None:
    icons = ROOT / "resources" / "icons" / "app"
    for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024):
        with Image.open(icons / f"coliv-{size}.png") as png:
            assert png.size == (size, size)
            assert png.getpixel((size // 2, size // 2))[3] == 255  # drawn, not transparent
    with Image.open(icons / "coliv.ico") as ico:
        assert set(ico.ico.sizes()) == {(s, s) for s in (16, 24, 32, 48, 64, 128, 256)}
    with Image.open(icons / "coliv.icns") as icns:
        assert icns.size == (1024, 1024)
        assert {(16, 16, 2), (128, 128, 1), (512, 512, 2)} <= set(icns.info["sizes"])


def test_packaging_stays_a_folder_of_scripts_and_builds_stay_out_of_git() -> None:
    assert not (ROOT / "packaging" / "__init__.py").exists()  # never shadows `packaging`
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "build/" in ignored and "dist/" in ignored
