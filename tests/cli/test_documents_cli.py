"""A PDF printed before the business profile has a name: the CLI prints it and says so in one
line on stderr (a CSV has no letterhead: nothing to say). On both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from coliv_desktop.documents.base import UNNAMED
from coliv_desktop.schemas import build
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.services import operator
from coliv_desktop.services.context import local_actor
from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def test_a_pdf_without_a_business_profile_is_printed_with_a_warning(
        cli: Cli, db_url: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    ids = flow_41(cli)
    who = cli.new_id("tenant", "add", "--first-name", "Ana", "--last-name", "Tester", "--email",
                     "ana@example.com")
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", who, "--start",
                       "2025-12-01", "--rent", "900")
    code, out, err = cli.run("lease-pdf", lease, "--out", str(tmp_path / "l.pdf"))
    assert code == 0 and out.strip() == str(tmp_path / "l.pdf")
    assert err.strip().count("\n") == 0
    assert err.startswith("warning: the business profile has no name yet") and UNNAMED in err
    assert UNNAMED in PdfReader(tmp_path / "l.pdf").pages[0].extract_text()
    code, _out, err = cli.run("report", "rent-roll", "--out", str(tmp_path / "roll.csv"))
    assert code == 0 and err == ""  # no letterhead on a CSV
    code, _out, err = cli.run("report", "rent-roll", "--out", str(tmp_path / "roll.pdf"))
    assert code == 0 and err.startswith("warning: the business profile")

    db = Database(db_url)
    try:
        actor = local_actor(db)
        operator.update_profile(db, actor, build(OperatorProfileUpdate,
                                                 company_name="Loft Living"))
    finally:
        db.dispose()
    code, _out, err = cli.run("lease-pdf", lease, "--out", str(tmp_path / "l2.pdf"))
    assert code == 0 and err == ""
    assert "Loft Living" in PdfReader(tmp_path / "l2.pdf").pages[0].extract_text()
