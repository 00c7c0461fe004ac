"""`coliv settings show|set`: the operator settings, built from their one declaration
(`config.SETTINGS`), so a script can set the currency, the locale amounts are typed in, the
rent due day or the late fee default exactly as the Settings dialog does."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coliv_desktop.config import SETTINGS, Setting
from coliv_desktop.domain.money import money_str
from coliv_desktop.services import settings

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext


def _machine(setting: Setting, value: Any) -> Any:
    """A value as JSON carries it: amounts as "12.50" strings (never floats), numbers as
    numbers, text as text."""
    if isinstance(value, Decimal):
        return money_str(value) if setting.kind == "money" else str(value)
    return value


def cmd_settings_show(args: argparse.Namespace, ctx: CliContext) -> None:
    values = settings.get_settings(ctx.db, ctx.actor)
    if args.json:
        print(json.dumps({s.key: _machine(s, values[s.key]) for s in SETTINGS}, indent=2,
                         ensure_ascii=False))
        return
    width = max(len(s.key) for s in SETTINGS)
    for s in SETTINGS:
        print(f"{s.key:<{width}}  {_machine(s, values[s.key])!s:<16}  {s.label}")


def cmd_settings_set(args: argparse.Namespace, ctx: CliContext) -> None:
    value = settings.set_setting(ctx.db, ctx.actor, args.key, args.value)
    setting = next(s for s in SETTINGS if s.key == args.key)
    print(f"{args.key} = {_machine(setting, value)}")


def _keys_help() -> str:
    lines = ["settings (KEY):"]
    for s in SETTINGS:
        extra = f" [{', '.join(s.choices)}]" if s.choices else ""
        lines.append(f"  {s.key:<20} {s.label}{extra}")
    lines.append("Amounts are typed as the book's locale writes them (de_DE: 12,50) or plainly "
                 "(12.50).")
    return "\n".join(lines)


def register(commands: Any) -> None:
    group = commands.add_parser("settings", help="operator settings: currency, locale, rent due "
                                                 "day, late fee default, largest amount")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    listed = {"epilog": _keys_help(), "formatter_class": argparse.RawDescriptionHelpFormatter}
    p = actions.add_parser("show", help="every setting and its value", **listed)
    p.add_argument("--json", action="store_true", help="as a JSON object (amounts as strings)")
    p.set_defaults(handler=cmd_settings_show)
    p = actions.add_parser("set", help="change one setting (checked as the Settings dialog "
                                       "checks it)", **listed)
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")
    p.set_defaults(handler=cmd_settings_set)
