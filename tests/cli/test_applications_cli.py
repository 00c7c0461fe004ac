"""The applications and matching part of the `coliv` contract, on both engines (flow 4.2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from coliv_desktop.services import portability
from tests.builders import OWNER
from tests.cli.test_cli import Cli, flow_41
from tests.flow42 import PROFILES, SARAH, STORY_DAY


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    # The story's dates (Sarah moves in on 2025-12-01) are told as of late November 2025: a
    # move-in or lease start more than a year before today asks first (--force).
    monkeypatch.setenv("COLIV_TODAY", STORY_DAY)
    return Cli(db_url, capsys)


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return str(path)


def flow_42(cli: Cli, tmp_path: Path) -> dict[str, str]:
    ids = flow_41(cli)
    river = cli.new_id("property", "add", "--name", "Riverside House", "--address", "48 River Rd",
                       "--city", "Austin", "--state", "TX", "--zip", "78704")
    for unit, rooms in [("5C", "ABCD"), ("2A", "AB")]:
        ids[unit] = cli.new_id("unit", "add", "--property", river, "--number", unit,
                               "--bedrooms", str(len(rooms)), "--bathrooms", "1")
        for room in rooms:
            ids[f"{unit}-{room}"] = cli.new_id("room", "add", "--unit", ids[unit], "--number",
                                               room, "--rent", "760")
    homes = {"Mike": "3B-B", "Jessica": "3B-C", "Tom": "3B-D", "Brad": "5C-A", "Lisa": "2A-A"}
    for name, room in homes.items():
        ids[name] = cli.new_id("tenant", "add", "--first-name", name, "--last-name", "Resident",
                               "--email", f"{name.lower()}@example.com")
        cli.ok("lease", "add", "--room", ids[room], "--tenant", ids[name], "--start",
               "2025-06-01", "--force")
        out = cli.ok("tenant", "profile", ids[name], "--profile",
                     write(tmp_path, name, PROFILES[name]))
        assert out.strip() == f"compatibility profile saved for {name} Resident"
    return ids


def add_sarah(cli: Cli, tmp_path: Path, *extra: str) -> str:
    return cli.new_id("application", "add", "--first-name", "Sarah", "--last-name", "Thompson",
                      "--email", "sarah@email.com", "--move-in", "2025-12-01", "--max-rent",
                      "950", "--profile", write(tmp_path, "sarah", SARAH), *extra)


def test_flow_42_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    ids = flow_42(cli, tmp_path)
    sarah = add_sarah(cli, tmp_path, "--lease-months", "6", "--phone", "555-0123")
    result = json.loads(cli.ok("match", sarah, "--json"))
    assert set(result) == {"application", "candidates", "excluded"}
    assert result["application"] == sarah
    for candidate in result["candidates"]:
        assert set(candidate) == {"room_id", "property", "unit", "room", "rent", "score", "tier",
                                  "recommendation", "breakdown"}
    for excluded in result["excluded"]:
        assert set(excluded) == {"room_id", "reason"}
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    top = result["candidates"][0]
    assert (top["property"], top["unit"], top["room"], top["rent"], top["score"], top["tier"]) == (
        "Downtown Loft", "3B", "A", "900.00", 92, "excellent")
    assert top["breakdown"]["individual_scores"] == {"Mike": 83, "Jessica": 79, "Tom": 100}
    cats = next(c for c in result["candidates"] if c["room_id"] == ids["2A-B"])
    assert cats["score"] == 0 and "pet allergy: Lisa has pets" in cats["recommendation"]
    taken = {e["room_id"]: e["reason"] for e in result["excluded"]}
    assert taken[ids["3B-B"]].startswith("no free bed on 2025-12-01")

    lease_id = cli.new_id("application", "approve", sarah, "--room", ids["3B-A"])
    leases = cli.ok("lease", "list")
    assert lease_id in leases and "Sarah Thompson" in leases and "2025-12-01..2026-05-31" in leases
    board = json.loads(cli.ok("dashboard", "--json", "--on", "2025-12-01"))
    unit = next(u for p in board["properties"] for u in p["units"] if u["number"] == "3B")
    assert unit["rooms_occupied"] == 4
    shown = json.loads(cli.ok("application", "show", sarah))
    assert shown["status"] == "approved" and shown["approved_lease_id"] == lease_id
    assert "approved" in cli.ok("application", "list", "--status", "approved")
    letter = tmp_path / "welcome.pdf"
    assert cli.ok("application", "welcome", sarah, "--out", str(letter)).strip() == str(letter)
    assert letter.read_bytes().startswith(b"%PDF")


def test_a_second_approval_is_a_conflict_and_changes_nothing(
    cli: Cli, tmp_path: Path, db_url: URL
) -> None:
    ids = flow_42(cli, tmp_path)
    sarah = add_sarah(cli, tmp_path)
    other = cli.new_id("application", "add", "--first-name", "Omar", "--last-name", "Haddad",
                       "--email", "omar@example.com", "--move-in", "2025-12-01", "--profile",
                       write(tmp_path, "omar", PROFILES["Tom"]))
    cli.new_id("application", "approve", sarah, "--room", ids["3B-A"], "--deposit", "500")
    db = Database(db_url)
    before = portability.dumps(portability.export_data(db, OWNER))
    code, out, err = cli.run("application", "approve", other, "--room", ids["3B-A"])
    assert code == 4 and out == ""
    assert err.startswith("error: room 3B-A has no free bed for those dates")
    assert portability.dumps(portability.export_data(db, OWNER)) == before
    db.dispose()
    # the approval taken back: the room is free for the other applicant
    assert "approval undone" in cli.ok("application", "unapprove", sarah)
    code, _, err = cli.run("application", "unapprove", sarah)
    assert code != 0 and "not approved" in err
    cli.new_id("application", "approve", other, "--room", ids["3B-A"])


def test_reject_and_the_plan(cli: Cli, tmp_path: Path) -> None:
    flow_42(cli, tmp_path)
    sarah = add_sarah(cli, tmp_path)
    other = cli.new_id("application", "add", "--first-name", "Omar", "--last-name", "Haddad",
                       "--email", "omar@example.com", "--move-in", "2025-12-01", "--profile",
                       write(tmp_path, "omar", PROFILES["Brad"]))
    assert "rejected" in cli.ok("application", "reject", other, "--reason", "No references")
    assert json.loads(cli.ok("application", "show", other))["rejection_reason"] == (
        "No references")
    plan = json.loads(cli.ok("plan", "--json"))
    assert set(plan) == {"total", "independent_total", "min_score", "placements", "unplaced"}
    (line,) = plan["placements"]
    assert line["application"] == sarah and (line["unit"], line["room"]) == ("3B", "A")
    assert plan["total"] == line["score"] == 92 and plan["independent_total"] == 92
    approved = json.loads(cli.ok("plan", "--json", "--approve"))
    assert [a["application"] for a in approved["approved"]] == [sarah]
    assert json.loads(cli.ok("plan", "--json"))["placements"] == []


@pytest.mark.parametrize(
    ("profile", "field"),
    [({**SARAH, "cleanliness": 6}, "--profile cleanliness"),
     ({**SARAH, "noise_tolerance": "silent"}, "--profile noise_tolerance"),
     ({**SARAH, "smoking": "no"}, "--profile smoking"),
     ({**SARAH, "max_rent": "700"}, "--max-rent"),
     ([1, 2], "--profile")],
)
def test_bad_profiles_name_the_field_and_change_nothing(
    cli: Cli, tmp_path: Path, db_url: URL, profile: Any, field: str
) -> None:
    ids = flow_41(cli)
    ids["Mike"] = cli.new_id("tenant", "add", "--first-name", "Mike", "--last-name", "R",
                             "--email", "mike@example.com")
    db = Database(db_url)
    before = portability.dumps(portability.export_data(db, OWNER))
    path = write(tmp_path, "bad", profile)
    code, out, err = cli.run("application", "add", "--first-name", "A", "--last-name", "B",
                             "--email", "a@b.io", "--move-in", "2025-12-01", "--max-rent",
                             "950", "--profile", path)
    assert (code, out) == (2, "") and err.startswith(f"error: {field}:")
    if isinstance(profile, dict) and field != "--max-rent":
        code, out, err = cli.run("tenant", "profile", ids["Mike"], "--profile", path)
        assert (code, out) == (2, "") and err.startswith(f"error: {field}:")
    assert portability.dumps(portability.export_data(db, OWNER)) == before
    db.dispose()


def test_profile_files_that_cannot_be_read(cli: Cli, tmp_path: Path) -> None:
    ids = {"Mike": cli.new_id("tenant", "add", "--first-name", "Mike", "--last-name", "R",
                              "--email", "mike@example.com")}
    missing = tmp_path / "missing.json"
    code, _, err = cli.run("tenant", "profile", ids["Mike"], "--profile", str(missing))
    assert code == 6 and err == f"error: {missing}: no such file or directory\n"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = cli.run("tenant", "profile", ids["Mike"], "--profile", str(broken))
    assert code == 2 and "is not valid JSON" in err
    assert "cleared" in cli.ok("tenant", "profile", ids["Mike"], "--clear")
