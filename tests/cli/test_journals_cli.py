"""`coliv export-journal`'s contract (issue 15), on both engines."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from beancount import loader
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def test_export_journal(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-11-25")
    cli.ok("demo")
    out = tmp_path / "year.beancount"
    lines = cli.ok("export-journal", "--from", "2025-01-01", "--to", "2025-12-31",
                   "--format", "beancount", "--out", str(out)).splitlines()
    assert lines[0] == str(out) and "entries" in lines[-1] and "debits = credits" in lines[-1]
    _entries, errors, _ = loader.load_file(str(out))
    assert errors == []
    report = json.loads(cli.ok("export-journal", "--from", "2025-01-01", "--to", "2025-12-31",
                               "--format", "xero", "--out", str(tmp_path / "x.csv"), "--json"))
    assert set(report) == {"paths", "entries", "lines", "debits", "credits"}
    assert report["debits"] == report["credits"] and D(report["debits"]) > 0
    assert report["paths"][0] == str(tmp_path / "x.csv") and len(report["paths"]) >= 2
    assert all(Path(p).exists() for p in report["paths"])
    cli.ok("export-journal", "--from", "2025-11-01", "--to", "2025-11-30", "--format", "xero",
           "--dates", "mdy", "--out", str(tmp_path / "us.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "us.csv").read_text("utf-8"))))
    assert rows and all(r["*Date"].startswith("11/") for r in rows)  # November, month first
    for fmt, name in (("qbo", "q.csv"), ("iif", "q.iif")):
        cli.ok("export-journal", "--from", "2025-11-01", "--to", "2025-11-30", "--format", fmt,
               "--out", str(tmp_path / name))
        assert (tmp_path / name).stat().st_size > 0


def test_export_journal_refuses_bad_input(cli: Cli, tmp_path: Path) -> None:
    cli.ok("init")
    code, out, err = cli.run("export-journal", "--from", "2025-02-01", "--to", "2025-01-01",
                             "--format", "qbo", "--out", str(tmp_path / "j.csv"))
    assert (code, out) == (2, "") and err.startswith("error: --to:")
    code, _out, err = cli.run("export-journal", "--from", "2025-01-01", "--to", "2025-02-01",
                              "--format", "csv", "--out", str(tmp_path / "j.csv"))
    assert code == 2 and "--format" in err
    code, _out, err = cli.run("export-journal", "--from", "2025-01-01", "--to", "2025-02-01",
                              "--format", "qbo", "--out", str(tmp_path))
    assert code == 6 and err.count("\n") == 1  # a folder, not a file: one sentence
    assert not (tmp_path / "j.csv").exists()
