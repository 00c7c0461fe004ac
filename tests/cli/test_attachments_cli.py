"""`coliv document attach|list|get|delete`, the contract checked from outside, on both
engines: the new id on the last line, JSON with the listed fields, the bytes written back
privately, and a file that cannot be read or is too large refused in one sentence with
nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from coliv_desktop.services import attachments
from coliv_desktop.services.context import local_actor
from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def _tenant(cli: Cli) -> str:
    return cli.new_id("tenant", "add", "--first-name", "Ана", "--last-name", "Тестер",
                      "--email", "ana@example.com")


def _documents(db_url: URL, kind: str, owner: str) -> list[str]:
    db = Database(db_url)
    try:
        return [d.name for d in attachments.list_documents(db, local_actor(db), kind,
                                                           uuid.UUID(owner))]
    finally:
        db.dispose()


def test_attach_list_get_and_delete(cli: Cli, db_url: URL, tmp_path: Path) -> None:
    ids = flow_41(cli)
    who = _tenant(cli)
    content = "Паспорт Ана Тестер".encode() * 50
    scan = tmp_path / "Паспорт.pdf"
    scan.write_bytes(content)
    doc_id = cli.new_id("document", "attach", "--to", f"tenant:{who}", str(scan))
    photo = tmp_path / "hall.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    cli.new_id("document", "attach", "--to", f"property:{ids['property']}", str(photo))

    listed = json.loads(cli.ok("document", "list", "--to", f"tenant:{who}", "--json"))
    assert len(listed) == 1
    [row] = listed
    assert set(row) == {"id", "name", "content_type", "size", "sha256", "created_at",
                        "uploaded_by"}
    assert row["id"] == doc_id and row["name"] == "Паспорт.pdf"
    assert row["content_type"] == "application/pdf" and row["size"] == len(content)
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert [r["name"] for r in json.loads(cli.ok(
        "document", "list", "--to", f"property:{ids['property']}", "--json"))] == ["hall.png"]
    assert "Паспорт.pdf" in cli.ok("document", "list", "--to", f"tenant:{who}")

    out = tmp_path / "back" / "copy.pdf"
    cli.ok("document", "get", doc_id, "--out", str(out))
    assert out.read_bytes() == content
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600

    cli.ok("document", "delete", doc_id)
    assert json.loads(cli.ok("document", "list", "--to", f"tenant:{who}", "--json")) == []
    code, _, err = cli.run("document", "get", doc_id, "--out", str(tmp_path / "gone.pdf"))
    assert code == 3 and "not found" in err


def test_a_file_that_cannot_be_read_or_is_too_large_changes_nothing(
        cli: Cli, db_url: URL, tmp_path: Path) -> None:
    who = _tenant(cli)
    missing = tmp_path / "missing.pdf"
    code, out, err = cli.run("document", "attach", "--to", f"tenant:{who}", str(missing))
    assert code == 6 and out == ""
    assert err.count("\n") == 1 and "missing.pdf" in err
    code, _, err = cli.run("document", "attach", "--to", f"tenant:{who}", str(tmp_path))
    assert code == 6 and err.count("\n") == 1

    cli.ok("settings", "set", "document_max_mb", "1")
    big = tmp_path / "scan.jpg"
    big.write_bytes(b"\xff" * (attachments.MB + 10))
    code, out, err = cli.run("document", "attach", "--to", f"tenant:{who}", str(big))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: FILE: scan.jpg is 1.0 MB") and "1 MB" in err
    assert _documents(db_url, "tenant", who) == []


def test_bad_owners_are_refused(cli: Cli, tmp_path: Path) -> None:
    who = _tenant(cli)
    paper = tmp_path / "a.txt"
    paper.write_text("x")
    code, _, err = cli.run("document", "attach", "--to", f"room:{who}", str(paper))
    assert code == 2 and "KIND:ID" in err
    code, _, err = cli.run("document", "attach", "--to", f"lease:{uuid.uuid4()}", str(paper))
    assert code == 3 and "lease" in err
    code, _, err = cli.run("document", "list", "--to", "tenant:nope")
    assert code == 2 and "not an id" in err
