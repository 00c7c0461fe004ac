"""Database URLs, the keychain, and where things are found at run time."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from coliv_desktop import config
from coliv_desktop.domain.errors import FileProblem, ValidationError
from tests.conftest import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://me@db.office/coliv", "postgresql+psycopg://me@db.office/coliv"),
        ("postgres://me@db.office:5433/coliv", "postgresql+psycopg://me@db.office:5433/coliv"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_urls_are_normalised(text: str, expected: str) -> None:
    assert config.parse_db_url(text).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("text", ["", "not a url", "mysql://a@b/c", "postgresql://me@host/"])
def test_bad_urls_name_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        config.parse_db_url(text)
    assert error.value.field == "db_url"


def test_password_comes_from_the_keychain(isolated_environment: MemoryKeyring) -> None:
    url = config.parse_db_url("postgresql://clerk@office/coliv")
    assert config.with_stored_password(url).url.password is None
    config.store_password(url, "s3cret")
    target = config.with_stored_password(url)
    assert target.url.password == "s3cret"
    assert target.warning is None
    # stored under the URL without the password, never in a file
    assert list(isolated_environment.passwords) == [
        (config.KEYRING_SERVICE, "postgresql+psycopg://clerk@office/coliv")]


def test_no_keychain_warns_and_connects_without_a_password() -> None:
    keyring.set_keyring(fail.Keyring())
    url = config.parse_db_url("postgresql://clerk@office/coliv")
    target = config.with_stored_password(url)
    assert target.url.password is None
    assert target.warning is not None and "No OS keychain" in target.warning
    with pytest.raises(FileProblem, match="none on this machine, so the password was not "
                                          "saved"):
        config.store_password(url, "pw")


def test_set_password_command_stores_it(isolated_environment: MemoryKeyring,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from coliv_desktop.__main__ import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("hunter2\n"))
    assert main(["db", "set-password", "postgresql://a@b/c", "--password-stdin"]) == 0
    assert "keychain" in capsys.readouterr().out
    assert isolated_environment.passwords[
        (config.KEYRING_SERVICE, "postgresql+psycopg://a@b/c")] == "hunter2"


def test_installed_wheel_finds_migrations_and_resources(tmp_path: Path) -> None:
    """`pip install .` (not editable): migrations and the demo travel inside the package."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("coliv_desktop-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "coliv_desktop/_bundled/migrations/env.py" in names
    assert "coliv_desktop/_bundled/resources/demo/portfolio.json" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(target), str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    env[config.DATA_DIR_ENV] = str(tmp_path / "data")
    # -I would drop site-packages (our dependencies); -P keeps the checkout off sys.path.
    probe = ("import coliv_desktop, coliv_desktop.locations as l;"
             "print(coliv_desktop.__file__); print(l.migrations_dir()); print(l.resources_dir())")
    out = subprocess.run([sys.executable, "-P", "-c", probe], cwd=elsewhere, env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert all(line.startswith(str(target)) for line in out), out
    db = tmp_path / "installed.db"
    result = subprocess.run(
        [sys.executable, "-P", "-m", "coliv_desktop", "--db", f"sqlite:///{db}", "demo"],
        cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "loaded the demo portfolio" in result.stdout
