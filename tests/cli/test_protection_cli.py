"""`coliv tenant export|erase|private`, `coliv db recovery-sheet|recovery-key` (issue 13,
item 7)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli, flow_41
from tests.conftest import MemoryKeyring


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def add_tenant(cli: Cli) -> str:
    return cli.new_id("tenant", "add", "--first-name", "Maya", "--last-name", "Okafor",
                      "--email", "maya@example.com", "--id-number", "P-7781-X",
                      "--bank-details", "GB29 NWBK 6016 1331 9268 19",
                      "--emergency-name", "Ada", "--emergency-phone", "+44 20 7946 0000")


def test_export_and_erase_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    ids = flow_41(cli)
    maya = add_tenant(cli)
    assert json.loads(cli.ok("tenant", "private", maya))["id_number"] == "P-7781-X"
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", maya, "--start",
                       "2020-01-01", "--end", "2020-06-30", "--rent", "0", "--force")
    code, _, err = cli.run("tenant", "erase", maya, "--reason", "request")
    assert code == 4 and "active lease" in err and "Traceback" not in err
    cli.ok("lease", "end", lease, "--date", "2020-06-30")
    out = tmp_path / "maya.zip"
    cli.ok("tenant", "export", maya, "--out", str(out))
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("tenant.json"))
    assert data["tenant"]["bank_details"] == "GB29 NWBK 6016 1331 9268 19"
    assert "erased the personal data" in cli.ok("tenant", "erase", maya, "--reason",
                                                "request by email")
    assert json.loads(cli.ok("tenant", "private", maya))["id_number"] is None
    code, _, err = cli.run("tenant", "erase", maya)
    assert code == 2 and "--reason" in err


def test_recovery_sheet_and_key_on_a_new_machine(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        isolated_environment: MemoryKeyring) -> None:
    maya = add_tenant(cli)
    sheet = tmp_path / "sheet.pdf"
    cli.ok("db", "recovery-sheet", "--out", str(sheet))
    assert sheet.read_bytes().startswith(b"%PDF")
    (key,) = isolated_environment.passwords.values()
    isolated_environment.passwords.clear()
    code, _, err = cli.run("tenant", "private", maya)
    assert code == 8 and "recovery-key --set" in err
    monkeypatch.setenv("COLIV_RECOVERY_KEY", "not the key")
    code, _, err = cli.run("db", "recovery-key", "--set")
    assert code == 2 and "not the key of this book" in err
    monkeypatch.setenv("COLIV_RECOVERY_KEY", key)
    cli.ok("db", "recovery-key", "--set")
    assert json.loads(cli.ok("tenant", "private", maya))["id_number"] == "P-7781-X"
