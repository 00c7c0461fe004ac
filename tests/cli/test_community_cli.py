"""The house life commands' contract, from outside, on both engines: each `add` prints the new
id on its last line; `event rsvp` prints going or waitlisted; `event list --json` counts them;
errors name the option as typed and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import URL

from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _housemates(cli: Cli, ids: dict[str, str]) -> dict[str, str]:
    people = {}
    for first, last, room in [("Zoë", "Ørsted", "3B-A"), ("Иван", "Петров", "3B-B"),
                              ("Mia", "Lund", "3B-C")]:
        people[first] = cli.new_id("tenant", "add", "--first-name", first, "--last-name", last,
                                   "--email", f"{room.lower()}@example.com")
        cli.new_id("lease", "add", "--room", ids[room], "--tenant", people[first], "--start",
                   "2025-12-01", "--rent", "800", "--force")
    return people


def test_announcements_and_notice(cli: Cli, tmp_path: Path) -> None:
    ids = flow_41(cli)
    plain = cli.new_id("announcement", "add", "--property", ids["property"], "--title",
                       "Bins", "--body", "Monday mornings")
    pinned = cli.new_id("announcement", "add", "--property", ids["property"], "--title",
                        "Water off", "--body", "Tuesday 9-12", "--priority", "urgent",
                        "--pinned", "--expires", "2099-01-01")
    listed = json.loads(cli.ok("announcement", "list", "--json"))
    assert [a["id"] for a in listed] == [pinned, plain]
    assert listed[0]["pinned"] is True and listed[0]["priority"] == "urgent"
    assert listed[0]["expires"] == "2099-01-01"
    code, out, err = cli.run("notice", pinned, "--out", str(tmp_path / "n.pdf"))
    assert code == 0, err
    assert out.strip() == str(tmp_path / "n.pdf")
    assert "Water off" in pdf_text(tmp_path / "n.pdf")

    code, _out, err = cli.run("announcement", "add", "--title", "Old", "--body", "x",
                              "--expires", "2000-01-01")
    assert code == 2 and err.startswith("error: --expires:")
    code, _out, err = cli.run("announcement", "add", "--title", "x", "--body", "x",
                              "--priority", "loud")
    assert code == 2 and "--priority" in err
    assert len(json.loads(cli.ok("announcement", "list", "--json"))) == 2


def test_events_rsvps_and_the_flyer(cli: Cli, tmp_path: Path) -> None:
    ids = flow_41(cli)
    people = _housemates(cli, ids)
    event = cli.new_id("event", "add", "--property", ids["property"], "--title",
                       "Ужин на крыше", "--starts", "2099-06-01 19:30", "--capacity", "1")
    assert cli.ok("event", "rsvp", event, "--tenant", people["Zoë"], "--answer",
                  "going").strip() == "going"
    assert cli.ok("event", "rsvp", event, "--tenant", people["Иван"], "--answer",
                  "going").strip() == "waitlisted"
    assert cli.ok("event", "rsvp", event, "--tenant", people["Mia"], "--answer",
                  "maybe").strip() == "maybe"
    [listed] = json.loads(cli.ok("event", "list", "--json"))
    assert listed["id"] == event and listed["title"] == "Ужин на крыше"
    assert listed["property_id"] == ids["property"] and listed["capacity"] == 1
    assert listed["starts"] == "2099-06-01 19:30"
    assert (listed["going"], listed["waitlisted"]) == (1, 1)
    assert cli.ok("event", "rsvp", event, "--tenant", people["Zoë"], "--answer",
                  "no").strip() == "not_going"
    [listed] = json.loads(cli.ok("event", "list", "--json"))
    assert (listed["going"], listed["waitlisted"]) == (1, 0)  # Иван moved up

    code, _out, err = cli.run("flyer", event, "--out", str(tmp_path / "f.pdf"))
    assert code == 0, err
    text = pdf_text(tmp_path / "f.pdf")
    assert "Ужин на крыше" in text and "19:30" in text

    code, _out, err = cli.run("event", "add", "--property", ids["property"], "--title", "x",
                              "--starts", "soon")
    assert code == 2 and err.startswith("error: --starts:")
    code, _out, err = cli.run("event", "add", "--property", ids["property"], "--title", "x",
                              "--starts", "2099-06-01 19:30", "--capacity", "0")
    assert code == 2 and err.startswith("error: --capacity:")
    code, _out, err = cli.run("event", "rsvp", event, "--tenant", people["Mia"], "--answer",
                              "perhaps")
    assert code == 2
    code, _out, err = cli.run("event", "rsvp", "00000000-0000-0000-0000-000000000000",
                              "--tenant", people["Mia"], "--answer", "going")
    assert code == 3
    assert len(json.loads(cli.ok("event", "list", "--json"))) == 1


def test_posts_and_the_newsletter(cli: Cli, tmp_path: Path) -> None:
    ids = flow_41(cli)
    people = _housemates(cli, ids)
    post = cli.new_id("post", "add", "--property", ids["property"], "--text",
                      "Продаю велосипед", "--category", "marketplace", "--tenant",
                      people["Иван"])
    spam = cli.new_id("post", "add", "--property", ids["property"], "--text", "Buy pills")
    cli.ok("post", "hide", spam, "--reason", "Spam")
    shown = json.loads(cli.ok("post", "list", "--json"))
    assert [p["id"] for p in shown] == [post] and shown[0]["author"] == "Иван Петров"
    every = json.loads(cli.ok("post", "list", "--all", "--json"))
    assert {p["id"]: p["hidden_reason"] for p in every} == {post: None, spam: "Spam"}
    cli.new_id("event", "add", "--property", ids["property"], "--title", "Movie night",
               "--starts", "2099-01-01 20:00")
    code, _out, err = cli.run("newsletter", "--property", ids["property"], "--out",
                              str(tmp_path / "news.pdf"), "--days", "100000")
    assert code == 0, err
    text = pdf_text(tmp_path / "news.pdf")
    assert "Продаю велосипед" in text and "Movie night" in text and "Buy pills" not in text
    code, _out, err = cli.run("post", "hide", post, "--reason", " ")
    assert code == 2 and err.startswith("error: --reason:")


def test_conflicts(cli: Cli) -> None:
    ids = flow_41(cli)
    people = _housemates(cli, ids)
    conflict = cli.new_id("conflict", "add", "--unit", ids["3B"], "--parties",
                          f"{people['Zoë']},{people['Иван']}", "--category", "noise",
                          "--severity", "high", "--summary", "Music after midnight")
    cli.ok("conflict", "note", conflict, "--text", "Talked to both")
    assert cli.ok("conflict", "status", conflict, "--to", "mediating").strip() == "mediating"
    code, _out, err = cli.run("conflict", "status", conflict, "--to", "open")
    assert code == 2 and err.startswith("error: --to:")
    assert cli.ok("conflict", "status", conflict, "--to", "resolved").strip() == "resolved"
    [listed] = json.loads(cli.ok("conflict", "list", "--json"))
    assert listed["id"] == conflict and listed["status"] == "resolved"
    assert listed["category"] == "noise" and listed["severity"] == "high"
    assert set(listed["parties"]) == {people["Zoë"], people["Иван"]}
    shown = cli.ok("conflict", "show", conflict)
    assert "Talked to both" in shown and "mediating -> resolved" in shown

    outsider = cli.new_id("tenant", "add", "--first-name", "Ola", "--last-name", "Nord",
                          "--email", "ola@example.com")
    code, _out, err = cli.run("conflict", "add", "--unit", ids["3B"], "--parties",
                              f"{people['Zoë']},{outsider}", "--category", "noise",
                              "--severity", "low", "--summary", "x")
    assert code == 2 and err.startswith("error: --parties:") and "Ola Nord" in err
    code, _out, err = cli.run("conflict", "add", "--unit", ids["3B"], "--parties",
                              people["Zoë"], "--category", "noise", "--severity", "low",
                              "--summary", "x")
    assert code == 2 and err.startswith("error: --parties:")
    assert len(json.loads(cli.ok("conflict", "list", "--json"))) == 1


def test_a_start_in_year_one_names_the_plausible_years(cli: Cli) -> None:
    """Not "year 0 is out of range" from converting the time to UTC first."""
    cli.ok("demo")
    prop = json.loads(cli.ok("property", "list", "--json"))[0]["id"]
    before = len(json.loads(cli.ok("event", "list", "--json")))
    code, _out, err = cli.run("event", "add", "--property", prop, "--title", "T", "--starts",
                              "0001-01-01 10:00", "--capacity", "3")
    assert code == 2 and "--starts" in err and "not a plausible date" in err
    assert len(json.loads(cli.ok("event", "list", "--json"))) == before  # nothing added
