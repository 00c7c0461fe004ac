"""`coliv application ...`, `coliv match`, `coliv plan`, `coliv tenant profile`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, _drop_none, _id
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.matching import CompatibilityProfile
from coliv_desktop.domain.money import money_str
from coliv_desktop.files import file_problem
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import (
    APPLICATION_STATUSES,
    ApplicationCreate,
    ApprovalInput,
    MatchResult,
    PlanOut,
)
from coliv_desktop.schemas.common import from_pydantic
from coliv_desktop.services import applications, matching, placement, welcome

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

PROFILE_FIELD = "compatibility_profile"


def read_profile(path: str) -> dict[str, Any]:
    """The JSON object in `path`; unreadable files and bad JSON name the --profile option."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise file_problem(path, exc) from None
    except UnicodeDecodeError:
        raise ValidationError("profile", f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError("profile", f"{path} is not valid JSON ({exc.msg}, line "
                              f"{exc.lineno})") from None
    if not isinstance(data, dict):
        raise ValidationError("profile", f"{path} must hold a JSON object of profile fields")
    return data


def parse_profile(data: dict[str, Any]) -> CompatibilityProfile:
    import pydantic

    try:
        return CompatibilityProfile.model_validate(data)
    except pydantic.ValidationError as exc:
        problem = from_pydantic(exc)
        raise ValidationError(f"{PROFILE_FIELD}.{problem.field}", problem.detail) from None


def cmd_application_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ApplicationCreate, **_drop_none(
        first_name=args.first_name, last_name=args.last_name, email=args.email,
        phone=args.phone, move_in_date=args.move_in, max_rent=args.max_rent,
        lease_length_months=args.lease_months, notes=args.notes,
        compatibility_profile=read_profile(args.profile)))
    print(applications.add_application(ctx.db, ctx.actor, data).id)


def cmd_application_list(args: argparse.Namespace, ctx: CliContext) -> None:
    for row in applications.list_applications(ctx.db, ctx.actor, args.status, args.search or ""):
        best = f"best {row.best_room} {row.best_score}" if row.best_room else "no candidate"
        budget = money_str(row.max_rent) if row.max_rent is not None else "-"
        print(f"{row.id}  {row.full_name} <{row.email}>  move-in {row.move_in_date}  "
              f"budget {budget}  {row.status}  {best}")


def cmd_application_show(args: argparse.Namespace, ctx: CliContext) -> None:
    app = applications.get_application(ctx.db, ctx.actor, args.application)
    print(json.dumps(app.model_dump(mode="json"), indent=2, ensure_ascii=False))


def cmd_application_approve(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ApprovalInput, **_drop_none(
        room_id=args.room, lease_start=args.start, lease_end=args.end, rent_amount=args.rent,
        deposit_amount=args.deposit, bed=args.bed))
    print(placement.approve_application(ctx.db, ctx.actor, args.application, data,
                                        force=args.force).lease_id)


def cmd_application_reject(args: argparse.Namespace, ctx: CliContext) -> None:
    app = applications.reject_application(ctx.db, ctx.actor, args.application, args.reason)
    print(f"rejected the application from {app.full_name}")


def cmd_application_status(args: argparse.Namespace, ctx: CliContext) -> None:
    change = {"waitlist": applications.waitlist_application,
              "withdraw": applications.withdraw_application,
              "reopen": applications.reopen_application}[args.action]
    app = change(ctx.db, ctx.actor, args.application)
    print(f"the application from {app.full_name} is now {app.status}")


def cmd_application_unapprove(args: argparse.Namespace, ctx: CliContext) -> None:
    app = placement.undo_approval(ctx.db, ctx.actor, args.application)
    print(f"approval undone: the lease is cancelled and the application from {app.full_name} "
          f"is {app.status} again")


def cmd_application_welcome(args: argparse.Namespace, ctx: CliContext) -> None:
    print(welcome.welcome_pdf(ctx.db, ctx.actor, args.application, args.out))


def cmd_tenant_profile(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.clear == bool(args.profile):
        raise ValidationError("profile", "give --profile PROFILE.json or --clear")
    profile = None if args.clear else parse_profile(read_profile(args.profile))
    tenant = applications.set_tenant_profile(ctx.db, ctx.actor, args.tenant, profile)
    verb = "cleared" if profile is None else "saved"
    print(f"compatibility profile {verb} for {tenant.full_name}")


def match_json(result: MatchResult) -> dict[str, Any]:
    return {
        "application": str(result.application_id),
        "candidates": [
            {"room_id": str(c.room_id), "property": c.property_name, "unit": c.unit_number,
             "room": c.room_number, "rent": money_str(c.rent), "score": c.score, "tier": c.tier,
             "recommendation": c.recommendation, "breakdown": c.breakdown}
            for c in result.candidates
        ],
        "excluded": [{"room_id": str(e.room_id), "reason": e.reason} for e in result.excluded],
    }


def cmd_match(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.stored:
        result = matching.get_matches(ctx.db, ctx.actor, args.application)
    else:
        result = matching.score_application(ctx.db, ctx.actor, args.application)
    if args.json:
        print(json.dumps(match_json(result), indent=2, ensure_ascii=False))
        return
    print(f"{result.applicant}, moving in {result.move_in_date}: "
          f"{len(result.candidates)} candidate rooms, {len(result.excluded)} excluded")
    for c in result.candidates:
        mates = ", ".join(f"{r.label} {r.pair_score if r.pair_score is not None else '-'}"
                          for r in c.roommates) or "nobody yet"
        print(f"  {c.score:3d} {c.tier:<15} {c.property_name} {c.room_label}  "
              f"{money_str(c.rent)}  roommates: {mates}")
        print(f"      {c.recommendation}")
        if c.warning:
            print(f"      warning: {c.warning}")
    for e in result.excluded:
        print(f"  excluded {e.property_name} {e.room_label}: {e.reason}")


def plan_json(result: PlanOut) -> dict[str, Any]:
    return {
        "total": result.total,
        "independent_total": result.independent_total,
        "min_score": result.min_score,
        "placements": [
            {"application": str(p.application_id), "applicant": p.applicant,
             "move_in": p.move_in_date.isoformat(), "room_id": str(p.room_id),
             "property": p.property_name, "unit": p.unit_number, "room": p.room_number,
             "rent": money_str(p.rent), "score": p.score, "tier": p.tier,
             "independent_score": p.independent_score,
             "co_placed": [str(other) for other in p.co_placed]}
            for p in result.placements
        ],
        "unplaced": [{"application": str(u.application_id), "applicant": u.applicant,
                      "reason": u.reason} for u in result.unplaced],
    }


def cmd_plan(args: argparse.Namespace, ctx: CliContext) -> None:
    result = placement.plan(ctx.db, ctx.actor, min_score=args.min_score)
    done = None
    if args.approve:
        done = placement.approve_plan(ctx.db, ctx.actor,
                                      [(p.application_id, p.room_id) for p in result.placements],
                                      force=args.force)
    if args.json:
        data = plan_json(result)
        if done is not None:
            data["approved"] = [{"application": str(a.application.id), "lease": str(a.lease_id)}
                                for a in done.approved]
            data["failed"] = [{"application": str(i), "reason": r} for i, r in done.failed]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    print(f"Plan: {len(result.placements)} placed, {len(result.unplaced)} not placed; "
          f"total {result.total} (independent assignment {result.independent_total})")
    for p in result.placements:
        print(f"  {p.applicant}: {p.property_name} {p.room_label} score {p.score} "
              f"({p.tier}; {p.independent_score} with current residents only)")
    for u in result.unplaced:
        print(f"  {u.applicant}: not placed, {u.reason}")
    if done is not None:
        for approval in done.approved:
            print(f"approved {approval.application.full_name}: lease {approval.lease_id}")
        for application_id, reason in done.failed:
            print(f"not approved {application_id}: {reason}")


def _subcommands(commands: Any, name: str) -> Any:
    """The sub-command group of an existing command (e.g. `tenant`), to add an action to it."""
    parser = commands.choices[name]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(name)


def _register_application(commands: Any) -> None:
    app = commands.add_parser("application", help="applications from prospective tenants"
                              ).add_subparsers(dest="action", metavar="ACTION", required=True)
    p = app.add_parser("add", help="add an application and match it; prints its id")
    p.add_argument("--first-name", required=True)
    p.add_argument("--last-name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--phone")
    p.add_argument("--move-in", required=True, type=_day, help="desired move-in date")
    p.add_argument("--lease-months", type=int, help="lease length wanted, in months")
    p.add_argument("--max-rent", help="monthly budget (or max_rent in the profile)")
    p.add_argument("--notes")
    p.add_argument("--profile", required=True, metavar="PROFILE.json",
                   help="compatibility profile: a JSON object (see MATCHING.md)")
    p.set_defaults(handler=cmd_application_add)
    p = app.add_parser("list", help="list or search applications")
    p.add_argument("--status", choices=APPLICATION_STATUSES)
    p.add_argument("--search")
    p.set_defaults(handler=cmd_application_list)
    p = app.add_parser("show", help="one application as JSON")
    p.add_argument("application", type=_id)
    p.set_defaults(handler=cmd_application_show)
    p = app.add_parser("approve", help="approve into a room: creates the lease (and the "
                       "tenant, unless on file); prints the lease id")
    p.add_argument("application", type=_id)
    p.add_argument("--room", required=True, type=_id)
    p.add_argument("--start", type=_day, help="lease start (default: the desired move-in)")
    p.add_argument("--end", type=_day, help="lease end (default: from the lease length wanted)")
    p.add_argument("--rent", help="monthly rent (default: the room's)")
    p.add_argument("--deposit", help="deposit (default: one month's rent)")
    p.add_argument("--bed", type=int, help="bed number in a shared room")
    p.add_argument("--force", action="store_true",
                   help="approve where the app would ask first (a dealbreaker or not "
                        "recommended match, a room under maintenance); what was overridden "
                        "is kept in the audit log")
    p.set_defaults(handler=cmd_application_approve)
    p = app.add_parser("reject", help="reject, keeping the reason")
    p.add_argument("application", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_application_reject)
    p = app.add_parser("unapprove", help="undo an approval (cancels its lease; refused once "
                                         "money is recorded on it)")
    p.add_argument("application", type=_id)
    p.set_defaults(handler=cmd_application_unapprove)
    p = app.add_parser("welcome", help="the welcome letter of an approved application as PDF")
    p.add_argument("application", type=_id)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_application_welcome, prints_document=True)
    for action, text in [("waitlist", "put on the waitlist"),
                         ("withdraw", "the applicant withdrew"),
                         ("reopen", "back to pending")]:
        p = app.add_parser(action, help=text)
        p.add_argument("application", type=_id)
        p.set_defaults(handler=cmd_application_status)


def _register_match(commands: Any) -> None:
    p = commands.add_parser("match", help="match an application to rooms (rescored when open)")
    p.add_argument("application", type=_id)
    p.add_argument("--json", action="store_true")
    p.add_argument("--stored", action="store_true",
                   help="show the stored results without rescoring")
    p.set_defaults(handler=cmd_match)


def _register_plan(commands: Any) -> None:
    p = commands.add_parser("plan", help="propose rooms for every pending application at once")
    p.add_argument("--json", action="store_true")
    p.add_argument("--min-score", type=int, default=1,
                   help="never propose a room scoring below this (default 1)")
    p.add_argument("--approve", action="store_true",
                   help="approve every proposed placement (each in its own transaction)")
    p.add_argument("--force", action="store_true",
                   help="with --approve: approve not recommended placements too (kept in the "
                        "audit log); without it they are listed as not approved")
    p.set_defaults(handler=cmd_plan)


def _register_profile(commands: Any) -> None:
    p = _subcommands(commands, "tenant").add_parser(
        "profile", help="set a tenant's compatibility profile from a JSON file")
    p.add_argument("tenant", type=_id)
    p.add_argument("--profile", metavar="PROFILE.json")
    p.add_argument("--clear", action="store_true", help="remove the profile")
    p.set_defaults(handler=cmd_tenant_profile)


def register(commands: Any) -> None:
    _register_application(commands)
    _register_match(commands)
    _register_plan(commands)
    _register_profile(commands)
