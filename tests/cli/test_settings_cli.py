"""`coliv settings`, amounts typed in the book's locale, and bad input refused with one line on
stderr, exit 2 and the book unchanged: through `coliv_desktop.cli.main`, on both engines."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy.engine import URL

from coliv_desktop.config import SETTINGS
from coliv_desktop.db.engine import Database
from coliv_desktop.domain.money import DEFAULT_FORMAT, money_format
from coliv_desktop.services import portability
from coliv_desktop.services.clock import today
from tests.builders import OWNER
from tests.cli.test_cli import Cli, flow_41


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_url, capsys)


def book(db_url: URL) -> str:
    db = Database(db_url)
    try:
        return portability.dumps(portability.export_data(db, OWNER))
    finally:
        db.dispose()


def refused(cli: Cli, db_url: URL, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line on stderr, nothing written."""
    before = book(db_url)
    code, out, err = cli.run(*args)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and "Traceback" not in err
    assert book(db_url) == before
    return err.strip()


def test_settings_show_lists_every_declared_setting(cli: Cli) -> None:
    cli.ok("init")
    shown = json.loads(cli.ok("settings", "show", "--json"))
    assert list(shown) == [s.key for s in SETTINGS]
    assert shown["currency"] == "USD" and shown["locale"] == "en_US"
    assert shown["max_amount"] == "10000000.00" and shown["late_fee_flat"] == "0.00"
    assert shown["rent_due_day"] == 1
    text = cli.ok("settings", "show")
    for s in SETTINGS:
        assert s.key in text and s.label in text


def test_a_script_sets_the_locale_and_types_amounts_the_german_way(cli: Cli,
                                                                   db_url: URL) -> None:
    ids = flow_41(cli)
    assert cli.ok("settings", "set", "locale", "de_DE").strip() == "locale = de_DE"
    assert cli.ok("settings", "set", "currency", "EUR").strip() == "currency = EUR"
    room = cli.new_id("room", "add", "--unit", ids["3B"], "--number", "E", "--rent", "12,50")
    board = json.loads(cli.ok("dashboard", "--json"))
    unit = next(u for p in board["properties"] for u in p["units"] if u["number"] == "3B")
    assert unit["revenue_potential"] == "3262.50"  # 3250.00 + 12.50, not + 1250.00
    assert room
    assert cli.ok("settings", "set", "late_fee_flat", "1.234,50").strip() == \
        "late_fee_flat = 1234.50"
    assert cli.ok("settings", "set", "late_fee_flat", "35.00").strip() == "late_fee_flat = 35.00"
    err = refused(cli, db_url, "room", "add", "--unit", ids["3B"], "--number", "F",
                  "--rent", "1.250")
    assert err == ('error: --rent: "1.250" is ambiguous: 1,25 or 1.250,00? '
                   "Type 1,25 or 1250")
    assert money_format() == DEFAULT_FORMAT  # main() leaves this thread as it found it


def test_unknown_settings_and_bad_values_are_refused(cli: Cli, db_url: URL) -> None:
    cli.ok("init")
    err = refused(cli, db_url, "settings", "set", "colour", "blue")
    assert err.startswith("error: KEY: unknown setting 'colour' (the settings are: currency,")
    assert refused(cli, db_url, "settings", "set", "rent_due_day", "99") == \
        "error: rent_due_day: must be at most 28"
    assert refused(cli, db_url, "settings", "set", "rent_due_day", "1" * 20) == \
        "error: rent_due_day: must be at most 28"
    assert "JPY amounts are written without decimals" in refused(
        cli, db_url, "settings", "set", "currency", "JPY")
    assert "is not one of the 53 locales CoLiv offers" in refused(
        cli, db_url, "settings", "set", "locale", "xx_YY")
    assert "not an amount of money" in refused(
        cli, db_url, "settings", "set", "late_fee_flat", "1e3")
    assert "must be at most 10,000,000.00" in refused(
        cli, db_url, "settings", "set", "late_fee_cap", "99999999999")
    assert "late_fee_mode: must be one of none, flat, percent" in refused(
        cli, db_url, "settings", "set", "late_fee_mode", "sometimes")


def test_year_one_and_absurd_amounts_are_refused(cli: Cli, db_url: URL) -> None:
    ids = flow_41(cli)
    sarah = cli.new_id("tenant", "add", "--first-name", "Sarah", "--last-name", "Thompson",
                       "--email", "sarah@example.com")
    err = refused(cli, db_url, "lease", "add", "--room", ids["3B-A"], "--tenant", sarah,
                  "--start", "0001-01-01")
    assert err == ("error: --start: 0001-01-01 is not a plausible date (CoLiv takes dates "
                   "from 2000 to 2099); check the year")
    # the same with --force: year 1 is refused, not asked
    refused(cli, db_url, "lease", "add", "--room", ids["3B-A"], "--tenant", sarah,
            "--start", "0001-01-01", "--force")
    start = today() - timedelta(days=30)
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", sarah, "--start",
                       start.isoformat())
    for amount in ("99,999,999,999.00", "1e309", "12345678901234567890", "inf", "nan"):
        refused(cli, db_url, "payment", "add", "--lease", lease, "--amount", amount,
                "--method", "cash")
    refused(cli, db_url, "payment", "add", "--lease", lease, "--amount", "10",
            "--method", "cash", "--date", "0001-01-01")
    refused(cli, db_url, "rent", "run", "--through", "9999-12-31")
    refused(cli, db_url, "lease", "end", lease, "--date", "9999-12-31")
    refused(cli, db_url, "charge", "add", "--lease", lease, "--amount", "10",
            "--due", "0001-01-01", "--description", "Key")
    refused(cli, db_url, "unit", "add", "--property", ids["property"], "--number", "9Z",
            "--bedrooms", "1", "--bathrooms", "1", "--floor", "9" * 20)
    refused(cli, db_url, "lease", "transfer", lease, "--room", ids["3B-B"], "--date",
            start.isoformat(), "--bed", "9" * 20)
    refused(cli, db_url, "property", "add", "--name", "P" * 5000, "--address", "1 Main St",
            "--city", "Austin", "--state", "TX", "--zip", "78701")
    refused(cli, db_url, "tenant", "add", "--first-name", "Eve\u202e", "--last-name", "X",
            "--email", "eve@example.com")


def test_a_back_dated_lease_or_payment_needs_force(cli: Cli, db_url: URL) -> None:
    ids = flow_41(cli)
    sarah = cli.new_id("tenant", "add", "--first-name", "Sarah", "--last-name", "Thompson",
                       "--email", "sarah@example.com")
    start = today() - timedelta(days=500)
    err = refused(cli, db_url, "lease", "add", "--room", ids["3B-A"], "--tenant", sarah,
                  "--start", start.isoformat())
    assert "more than a year ago" in err and err.endswith(" (add --force to go ahead)")
    lease = cli.new_id("lease", "add", "--room", ids["3B-A"], "--tenant", sarah,
                       "--start", start.isoformat(), "--force")
    early = (start - timedelta(days=400)).isoformat()
    for args in (("payment", "add", "--lease", lease, "--amount", "10", "--method", "cash",
                  "--date", early),
                 ("credit", "add", "--lease", lease, "--amount", "10", "--reason", "Goodwill",
                  "--date", early),
                 ("charge", "add", "--lease", lease, "--amount", "10", "--due", early,
                  "--description", "Key")):
        err = refused(cli, db_url, *args)
        assert "before the first lease" in err and err.endswith("(add --force to go ahead)")
        cli.ok(*args, "--force")
