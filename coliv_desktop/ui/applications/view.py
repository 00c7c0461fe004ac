"""One application as the operator reviews it (seed flow 4.2): the applicant and their
profile, the ranked rooms with score, tier colour and roommates' pair scores, the selected
room's breakdown and recommendation, the excluded rooms with reasons, and the decisions."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, SignalInstance
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.matching import HUMAN, CompatibilityProfile
from coliv_desktop.schemas.applications import (
    ApplicationOut,
    ApprovalInput,
    CandidateOut,
    MatchResult,
)
from coliv_desktop.schemas.community import TenantConflict
from coliv_desktop.services import applications, conflicts, matching, tenants, welcome
from coliv_desktop.ui.applications.approve import ApproveDialog
from coliv_desktop.ui.applications.dialog import ApplicationDialog, TenantProfileDialog
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    later,
    muted,
    tool_button,
)

TIER_COLOURS = {"excellent": "#1a7f37", "good": "#0969da", "moderate": "#9a6700",
                "not_recommended": "#b3261e"}
TIER_BACKGROUNDS = {"excellent": "#dafbe1", "good": "#ddf4ff", "moderate": "#fff8c5",
                    "not_recommended": "#ffebe9"}
STATUS_COLOURS = {"pending": "#0969da", "waitlisted": "#9a6700", "approved": "#1a7f37",
                  "rejected": "#b3261e", "withdrawn": "#57606a"}
CRITERIA = (("sleep_schedule", "Sleep schedule"), ("cleanliness", "Cleanliness"),
            ("social_compatibility", "Social"), ("noise_tolerance", "Noise"))


def tier_text(tier: str) -> str:
    return tier.replace("_", " ")


def describe_profile(p: CompatibilityProfile) -> str:
    parts = [HUMAN[p.sleep_schedule].capitalize(), f"cleanliness {p.cleanliness}/5",
             HUMAN[p.noise_tolerance], HUMAN[p.social_preference]]
    parts += [text for flag, text in (
        (p.work_from_home, "works from home"), (p.has_pets, "has pets"),
        (p.pet_allergies, "allergic to pets"), (p.smoking, "smokes"),
        (p.smoking_ok and not p.smoking, "accepts smoking")) if flag]
    if p.age is not None:
        parts.append(f"age {p.age}")
    if p.occupation:
        parts.append(p.occupation)
    if p.interests:
        parts.append("likes " + ", ".join(p.interests))
    return " · ".join(parts)


def roommates_text(c: CandidateOut, flagged: Callable[[uuid.UUID], bool] = lambda _: False
                   ) -> str:
    """Each roommate with their pair score; ⚠ after one with an open conflict."""
    if not c.roommates:
        return "nobody yet"
    return ", ".join((f"{r.label} {r.pair_score}" if r.pair_score is not None else
                      f"{r.label} (no profile)") + (" ⚠" if flagged(r.tenant_id) else "")
                     for r in c.roommates)


def candidate_columns(flagged: Callable[[uuid.UUID], bool] = lambda _: False
                      ) -> list[Column[CandidateOut]]:
    # The roommates last, taking the width that is left: seen without scrolling sideways on a
    # 1280-pixel screen (the score cell carries the tier's colour; the tier and the note can
    # be shown from the header's menu).
    return [
        Column("score", "Score", lambda c: c.score, kind="int", width=50),
        Column("room", "Room", lambda c: f"{c.property_name} · {c.room_label}"
               + (" (booked later)" if c.warning else ""), width=175),
        Column("rent", "Rent / mo", lambda c: c.rent, kind="money", width=80),
        Column("tier", "Tier", lambda c: tier_text(c.tier), width=100, visible=False),
        Column("note", "Note", lambda c: "booked later" if c.warning else "", width=80,
               visible=False),
        Column("roommates", "Roommates (pair scores)", lambda c: roommates_text(c, flagged),
               width=200, tooltip="Pair scores; ⚠ a roommate with an open conflict (the "
               "room's detail says which)"),
    ]


class CandidateModel(RowTableModel[CandidateOut]):
    """Ranked rooms; the score and tier cells carry the tier colour."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.row() < len(self.rows) and self.columns[
                index.column()].key in ("score", "tier"):
            tier = self.rows[index.row()].tier
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(TIER_BACKGROUNDS[tier]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(TIER_COLOURS[tier]))
        return super().data(index, role)


def open_conflicts_text(found: list[TenantConflict]) -> str:
    """"1 open conflict (noise, high)": what a housemate's unresolved conflicts add next to
    their name (shown only: the score does not count them)."""
    still = [c for c in found if c.status != "resolved"]
    if not still:
        return ""
    kinds = "; ".join(f"{c.category}, {c.severity}" for c in still)
    return f"{len(still)} open conflict{'s' if len(still) != 1 else ''} ({kinds})"


@dataclass(frozen=True)
class Loaded:
    application: ApplicationOut
    matches: MatchResult
    # each candidate room's housemate -> their conflicts
    conflicts: dict[uuid.UUID, list[TenantConflict]] = field(default_factory=dict)


class ApplicationView(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.application: ApplicationOut | None = None
        self.matches: MatchResult | None = None
        self.conflicts: dict[uuid.UUID, list[TenantConflict]] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = empty_state("Select an application to see its matches.")
        self.page = QWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self.page)
        self._build_header(layout)
        self._build_buttons(layout)
        self.scored = muted()
        self.scored.setObjectName("scored_at")
        self._auto_rescored: tuple[uuid.UUID, datetime | None] | None = None
        layout.addWidget(self.scored)
        layout.addWidget(self._build_candidates(), 1)
        self._build_excluded(layout)

    def _build_header(self, layout: QVBoxLayout) -> None:
        """The applicant's name and status, the facts of the application, their profile."""
        top = QHBoxLayout()
        self.name = heading("")
        self.name.setObjectName("applicant_name")
        self.status = QLabel()
        self.status.setObjectName("application_status")
        top.addWidget(self.name)
        top.addWidget(self.status)
        top.addStretch(1)
        layout.addLayout(top)
        self.facts = muted()
        self.facts.setObjectName("application_facts")
        self.profile = QLabel()
        self.profile.setObjectName("applicant_profile")
        self.profile.setWordWrap(True)
        layout.addWidget(self.facts)
        layout.addWidget(self.profile)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """Decisions on the first row; rescoring, editing, the letter and undoing an approval
        on the second."""
        buttons = QHBoxLayout()
        self.approve_button = tool_button("Approve…", "add", "Approve into a room: tenant, "
                                          "lease and statuses in one step", self.approve,
                                          allowed=self.ctx.allows("applications.write"))
        self.reject_button = tool_button("Reject…", "archive", "Reject, keeping the reason",
                                         self.reject, allowed=self.ctx.allows("applications.write"))
        self.waitlist_button = tool_button("Waitlist", "turnover", "Put on the waitlist",
                                           lambda: self._decide("waitlist"),
                                           allowed=self.ctx.allows("applications.write"))
        self.withdraw_button = tool_button("Withdraw", "archive", "The applicant withdrew",
                                           lambda: self._decide("withdraw"),
                                           allowed=self.ctx.allows("applications.write"))
        self.reopen_button = tool_button("Reopen", "turnover", "Back to pending",
                                         lambda: self._decide("reopen"),
                                         allowed=self.ctx.allows("applications.write"))
        self.unapprove_button = tool_button(
            "Undo approval…", "archive", "Cancel the lease this approval created and put the "
            "application back to pending (until money is recorded on the lease)",
            self.unapprove, allowed=self.ctx.allows("applications.write"))
        self.unapprove_button.setObjectName("unapprove_button")
        self.rescore_button = tool_button("Rescore", "dashboard",
                                          "Match again against today's residents",
                                          self.rescore,
                                          allowed=self.ctx.allows("applications.write"))
        self.edit_button = tool_button("Edit…", "edit", "Edit the application and profile",
                                       self.edit, allowed=self.ctx.allows("applications.write"))
        self.letter_button = tool_button("Welcome letter…", "leases",
                                         "Preview, save or print the welcome letter",
                                         self.welcome_letter)
        more = QHBoxLayout()
        for button in (self.approve_button, self.reject_button, self.waitlist_button,
                       self.withdraw_button, self.reopen_button):
            buttons.addWidget(button)
        for button in (self.rescore_button, self.edit_button, self.letter_button,
                       self.unapprove_button):
            more.addWidget(button)
        buttons.addStretch(1)
        more.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(more)

    def _build_candidates(self) -> QSplitter:
        """The candidate rooms, best first, over the selected one's explanation."""
        split = QSplitter(Qt.Orientation.Vertical)
        self.model = CandidateModel(candidate_columns(
            lambda t: bool(open_conflicts_text(self.conflicts.get(t, [])))), money=self.ctx.money)
        self.view = ListView(self.model, self.ctx.settings, "candidates")
        # every roommate shown, whatever the width: the last column takes what is left and
        # wraps onto a second line, never scrolling sideways
        self.view.setWordWrap(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # (its scroll bar always there: one that comes and goes as rows wrap would leave the
        # last column a scroll bar too wide)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.view.horizontalHeader().setSectionResizeMode(
            self.model.column_index("roommates"), QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_candidate())
        self.view.doubleClicked.connect(lambda *_: self.approve())
        split.addWidget(self.view)
        self.detail = QLabel()
        self.detail.setObjectName("candidate_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.linkActivated.connect(self._link)
        self.detail.setContentsMargins(4, 4, 4, 4)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.detail)
        split.addWidget(scroller)
        split.setSizes([260, 220])
        return split

    def _build_excluded(self, layout: QVBoxLayout) -> None:
        """The rooms left out and why, folded away until asked for."""
        self.excluded_toggle = QToolButton()
        self.excluded_toggle.setObjectName("excluded_toggle")
        self.excluded_toggle.setCheckable(True)
        self.excluded_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.excluded_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.excluded_toggle.toggled.connect(self._toggle_excluded)
        self.excluded = QListWidget()
        self.excluded.setObjectName("excluded_rooms")
        self.excluded.setMaximumHeight(150)
        self.excluded.hide()
        layout.addWidget(self.excluded_toggle)
        layout.addWidget(self.excluded)

    # --- loading ---------------------------------------------------------------------------

    def show_application(self, application_id: uuid.UUID | None) -> None:
        if application_id is None or not self.ctx.has_database:
            self.application = None
            self.stack.setCurrentWidget(self.empty)
            return
        db = self.ctx.db
        actor = self.ctx.actor

        def load() -> Loaded:
            matches = matching.get_matches(db, actor, application_id)
            housemates = [r.tenant_id for c in matches.candidates for r in c.roommates]
            return Loaded(applications.get_application(db, actor, application_id), matches,
                          conflicts.conflicts_of_tenants(db, actor, housemates))

        self.ctx.run_task(load, self._loaded)

    def _loaded(self, loaded: Loaded | None, error: BaseException | None) -> None:
        if error is not None or loaded is None:
            self.ctx.bus.error.emit(f"Could not load the application: {error}")
            return
        self.fill(loaded.application, loaded.matches, loaded.conflicts)

    def fill(self, app: ApplicationOut, matches: MatchResult,
             found: dict[uuid.UUID, list[TenantConflict]] | None = None) -> None:
        keep = self.selected_candidate()
        self.application, self.matches = app, matches
        self.conflicts = found or {}
        self.name.setText(app.full_name)
        self.status.setText(app.status)
        colour = STATUS_COLOURS.get(app.status, "#57606a")
        self.status.setStyleSheet(f"color: white; background: {colour}; padding: 2px 8px;"
                                  " border-radius: 8px;")
        contact = " · ".join(p for p in (app.email, app.phone) if p)
        length = f"{app.lease_length_months} months" if app.lease_length_months else "open-ended"
        budget = self.ctx.money(app.max_rent) if app.max_rent is not None else "no limit"
        lines = [contact, f"Move-in {app.move_in_date.isoformat()} · {length} · budget "
                 f"{budget} · applied {app.created_at.date().isoformat()}"]
        if app.rejection_reason:
            lines.append(f"Rejected: {app.rejection_reason}")
        if app.notes:
            lines.append(f"Notes: {app.notes}")
        self.facts.setText("\n".join(lines))
        self.profile.setText(describe_profile(app.compatibility_profile))
        is_open = app.is_open
        self.approve_button.setEnabled(is_open)
        self.reject_button.setEnabled(is_open)
        self.waitlist_button.setEnabled(app.status == "pending")
        self.withdraw_button.setEnabled(is_open)
        self.reopen_button.setEnabled(app.status in ("waitlisted", "rejected", "withdrawn"))
        self.unapprove_button.setEnabled(app.status == "approved")
        self.rescore_button.setEnabled(is_open)
        self.edit_button.setEnabled(is_open)
        self.letter_button.setEnabled(app.status == "approved")
        when = matches.scored_at.strftime("%Y-%m-%d %H:%M UTC") if matches.scored_at else "never"
        summary = f"{len(matches.candidates)} candidate rooms, ranked by score (scored {when})."
        if matches.out_of_date and self._auto_rescored != (app.id, matches.scored_at):
            # leases, rooms or residents changed since: an open application is shown as it
            # stands now (once per stored result, so an application with nothing to score
            # cannot loop)
            self._auto_rescored = (app.id, matches.scored_at)
            summary += " Leases, rooms or residents changed since: rescoring…"
            self.rescore()
        elif matches.out_of_date:
            summary += " Out of date: press Rescore."
        self.scored.setText(summary)
        self.model.set_rows(matches.candidates)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        target = keep.room_id if keep is not None else None
        if target is None or not self.view.select_where(lambda c: c.room_id == target):
            self.view.selectRow(0)
        self._show_candidate()
        self.excluded.clear()
        for e in matches.excluded:
            self.excluded.addItem(f"{e.property_name} {e.room_label}: {e.reason}")
        self.excluded_toggle.setText(f"Excluded rooms ({len(matches.excluded)})")
        self.stack.setCurrentWidget(self.page)

    def selected_candidate(self) -> CandidateOut | None:
        row = self.view.current_row() if self.model.rows else None
        return row if isinstance(row, CandidateOut) else None

    def _toggle_excluded(self, shown: bool) -> None:
        self.excluded.setVisible(shown)
        self.excluded_toggle.setArrowType(Qt.ArrowType.DownArrow if shown
                                          else Qt.ArrowType.RightArrow)

    def _show_candidate(self) -> None:
        c = self.selected_candidate()
        if c is None:
            self.detail.setText("<i>No candidate room.</i>" if self.application else "")
            return
        b = c.breakdown
        colour = TIER_COLOURS[c.tier]
        html = [f"<p><b>{escape(c.property_name)} {escape(c.room_label)}</b> · "
                f"<span style='color:{colour}'><b>{c.score}</b> {tier_text(c.tier)}</span>"
                f" · {escape(self.ctx.money(c.rent))} / month</p>",
                f"<p>{escape(c.recommendation)}</p>"]
        if c.warning:
            html.append(f"<p style='color:#9a6700'>Warning: {escape(c.warning)}</p>")
        rows = "".join(f"<tr><td>{label}</td><td align='right'>{b[key]}</td></tr>"
                       for key, label in CRITERIA if key in b)
        rows += f"<tr><td>Dealbreakers</td><td align='right'>{escape(b['dealbreakers'])}</td></tr>"
        rows += f"<tr><td>Base</td><td align='right'>{float(b['base']):.2f}</td></tr>"
        for a in b.get("adjustments", []):
            rows += (f"<tr><td>{escape(a['reason'])}</td>"
                     f"<td align='right'>{a['delta']:+d}</td></tr>")
        html.append(f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
        if c.roommates:
            mates = []
            for r in c.roommates:
                score = (str(r.pair_score) if r.pair_score is not None else
                         f"no profile · <a href='profile:{r.tenant_id}'>set profile…</a>")
                trouble = open_conflicts_text(self.conflicts.get(r.tenant_id, []))
                flag = (f" · <span style='color:#b3261e'>{escape(trouble)}</span>"
                        if trouble else "")
                mates.append(f"<li><a href='tenant:{r.tenant_id}'>{escape(r.name)}</a> "
                             f"({escape(r.room)}): {score}{flag}</li>")
            html.append("<p><b>Roommates</b></p><ul>" + "".join(mates) + "</ul>")
        self.detail.setText("".join(html))

    def _link(self, href: str) -> None:
        kind, _, ident = href.partition(":")
        if kind == "tenant":
            self.ctx.open_tenant(uuid.UUID(ident))
        elif kind == "profile":
            self.set_profile(uuid.UUID(ident))

    # --- decisions ---------------------------------------------------------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        editing = self.ctx.editing
        return int(editing.run_dialog(dialog) if editing is not None else dialog.exec())

    def _warn(self, title: str, text: str) -> None:
        editing = self.ctx.editing
        if editing is not None:
            editing.warn(title, text)
        else:
            self.ctx.bus.error.emit(f"{title}: {text}")

    def _changed(self, *signals: SignalInstance) -> None:
        for signal in (self.ctx.bus.applications_changed, *signals):
            signal.emit()
        if self.application is not None:
            self.show_application(self.application.id)

    def _in_worker(self, work: Callable[[], Any], then: Callable[[Any], None],
                   refused: str) -> None:
        """`work()` in a worker, then `then(result)` here; a refusal in a box titled
        `refused`. Nothing happens once the view is gone."""

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._warn(refused, str(error))
                return
            then(result)

        self.ctx.run_task(work, later(done))

    def approve(self) -> None:
        app, matches = self.application, self.matches
        if app is None or matches is None or not app.is_open:
            return
        c = self.selected_candidate()
        dialog = ApproveDialog(self.ctx, app, matches, room_id=c.room_id if c else None,
                               parent=self)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        done = dialog.saved
        self.ctx.bus.status_message.emit(
            f"Approved {app.full_name}: lease created"
            + (f"; rescored {len(done.rescored_applications)} other applications"
               if done.rescored_applications else "") + ". Undo with Ctrl+Z.")
        if dialog.submitted is not None:
            self.ctx.undo_stack.push(self._approval_command(
                done.application, dialog.submitted, f"Approval of {app.full_name}",
                approved=True, force=dialog.submitted_force))
        self._changed(*self.ctx.bus.lease_signals())

    def _approval_command(self, app: ApplicationOut, data: ApprovalInput, text: str, *,
                          approved: bool, force: dict[str, bool] | None = None) -> Any:
        """An approval made (`approved`) or taken back (`app` as that left it): undo/redo
        flip between the two, the approval repeated with the same room, dates, rent and
        deposit (and `force`, if the person confirmed it); refused if the application changed
        since."""
        from coliv_desktop.services import placement
        from coliv_desktop.ui.common.commands import VersionedCommand, one_row

        db, actor, ident = self.ctx.db, self.ctx.actor, app.id

        def approve(i: uuid.UUID, version: int | None) -> ApplicationOut:
            again = data.model_copy(update={"expected_version": version})
            return placement.approve_application(db, actor, i, again,
                                                 **(force or {})).application

        def take_back(i: uuid.UUID, version: int | None) -> ApplicationOut:
            return placement.undo_approval(db, actor, i, version)

        steps = one_row(lambda: ident, approve), one_row(lambda: ident, take_back)
        redo, undo = steps if approved else steps[::-1]
        return VersionedCommand(self.ctx, text, redo, undo, written={ident: app.version},
                                rows=lambda: (ident,),
                                changed=(self.ctx.bus.applications_changed,
                                         *self.ctx.bus.lease_signals()))

    def unapprove(self) -> None:
        """Take an approval back: its lease cancelled, the application pending again."""
        from coliv_desktop.services import leasing, placement

        app = self.application
        if app is None or app.status != "approved" or app.approved_lease_id is None:
            return
        editing = self.ctx.editing
        if editing is not None and not editing.confirm(
                "Undo approval",
                f"Undo the approval of {app.full_name}? The lease it created is cancelled (its "
                "rent and deposit voided), a tenant record it created is archived, and the "
                "application is pending again. You can redo this with Ctrl+Shift+Z."):
            return
        db, actor, lease_id = self.ctx.db, self.ctx.actor, app.approved_lease_id

        def take_back() -> tuple[ApplicationOut, ApprovalInput]:
            lease = leasing.get_lease(db, actor, lease_id)
            made = ApprovalInput(room_id=lease.room_id, lease_start=lease.lease_start,
                                 lease_end=lease.lease_end, rent_amount=lease.rent_amount,
                                 deposit_amount=lease.deposit_amount, bed=lease.bed)
            return placement.undo_approval(db, actor, app.id, app.version), made

        def taken_back(result: tuple[ApplicationOut, ApprovalInput]) -> None:
            back, made = result
            self.ctx.undo_stack.push(self._approval_command(
                back, made, f"Undo approval of {app.full_name}", approved=False))
            self._changed(*self.ctx.bus.lease_signals())

        self._in_worker(take_back, taken_back, "Cannot undo the approval")

    def reject(self) -> None:
        app = self.application
        if app is None:
            return
        editing = self.ctx.editing
        reason = editing.ask_text("Reject application", f"Why is {app.full_name} rejected? "
                                  "(kept on the application)") if editing else None
        if reason is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._in_worker(lambda: applications.reject_application(
            db, actor, app.id, reason, expected_version=app.version),
            lambda _: self._changed(), "Cannot reject")

    def _decide(self, action: str) -> None:
        app = self.application
        if app is None:
            return
        change = {"waitlist": applications.waitlist_application,
                  "withdraw": applications.withdraw_application,
                  "reopen": applications.reopen_application}[action]
        db, actor = self.ctx.db, self.ctx.actor
        self._in_worker(lambda: change(db, actor, app.id, expected_version=app.version),
                        lambda _: self._changed(), f"Cannot {action}")

    def rescore(self) -> None:
        app = self.application
        if app is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(result: MatchResult | None, error: BaseException | None) -> None:
            if error is not None:
                self._warn("Cannot rescore", str(error))
                return
            self._changed()

        self.ctx.run_task(lambda: matching.score_application(db, actor, app.id), done)

    def edit(self) -> None:
        app = self.application
        if app is None:
            return
        dialog = ApplicationDialog(self.ctx, app, parent=self)
        if self.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            self._changed()

    def set_profile(self, tenant_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def show(tenant: Any) -> None:
            dialog = TenantProfileDialog(self.ctx, tenant, parent=self)
            if self.run_dialog(dialog) == QDialog.DialogCode.Accepted:
                self._changed(self.ctx.bus.tenants_changed)

        self._in_worker(lambda: tenants.get_tenant(db, actor, tenant_id), show, "Cannot open")

    def letter_dialog(self, show: Callable[[PdfPreview], None]) -> None:
        """The welcome letter rendered (in a worker) into a temporary file, then handed to
        `show` in the shared PDF preview."""
        app = self.application
        if app is None or app.status != "approved":
            return
        name = f"welcome-{app.first_name}-{app.last_name}.pdf".replace(" ", "-").lower()
        folder = Path(tempfile.mkdtemp(prefix="coliv-preview-"))
        db = self.ctx.db
        actor = self.ctx.actor
        self._in_worker(
            lambda: welcome.welcome_pdf(db, actor, app.id, folder / name),
            lambda path: show(PdfPreview(path, f"Welcome letter: {app.full_name}",
                                         parent=self)),
            "No welcome letter")

    def welcome_letter(self) -> None:
        from coliv_desktop.ui.shell.profile_prompt import with_profile

        with_profile(self.ctx, self, self._welcome_letter)

    def _welcome_letter(self) -> None:
        self.letter_dialog(lambda preview: None if self.run_dialog(preview) else None)
