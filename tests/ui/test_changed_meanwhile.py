"""Two desks edit one record (issue 13, item 5): never a silent lost update.

Desk A opens an edit dialog (it carries the version it loaded), desk B saves the same record
first, desk A saves: the dialog names desk B and offers Reload (B's values fill the form, the
dialog stays open), Overwrite (A's values are saved over B's) or Cancel (A's input is kept,
nothing is written). On SQLite and on PostgreSQL (the `db` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QSpinBox
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.schemas.people import TenantUpdate
from coliv_desktop.schemas.portfolio import PropertyUpdate, RoomUpdate, UnitUpdate
from coliv_desktop.services import operator, portfolio, settings, tenants
from coliv_desktop.services.context import Actor, ChangedMeanwhile
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common import forms
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.portfolio.property import PropertyDialog
from coliv_desktop.ui.portfolio.rooms import RoomDialog
from coliv_desktop.ui.portfolio.unit import UnitDialog
from coliv_desktop.ui.shell.settings import SettingsDialog
from coliv_desktop.ui.tenants.dialog import TenantDialog
from tests.builders import flow_41, tenant
from tests.ui.helpers import type_into


@pytest.fixture
def desk_b(qsettings: QSettings, db: Database, actor: Actor) -> Iterator[AppContext]:
    context = AppContext(qsettings)
    context.set_database(OpenedDatabase(
        db, Actor(actor.user_id, actor.operator_id, "Desk B", actor.role), "USD", "en_US"))
    yield context
    context.tasks.wait_idle()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The choices desk A makes when told of a conflict, in order; what it was told is kept."""
    queue: list[str] = []

    def resolve(self: FormDialog, exc: ChangedMeanwhile) -> str:
        told.append(str(exc))
        assert queue, f"unexpected conflict in {self.windowTitle()!r}: {exc}"
        return queue.pop(0)

    told: list[str] = []
    monkeypatch.setattr(FormDialog, "resolve_conflict", resolve)
    return queue


def save(qtbot: QtBot, ctx: AppContext, dialog: FormDialog) -> None:
    dialog.save_button.click()
    for _ in range(4):
        qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
        ctx.tasks.wait_idle()
        QApplication.processEvents()


def tenant_dialog(qtbot: QtBot, ctx: AppContext, ident: object) -> TenantDialog:
    record = tenants.get_tenant(ctx.db, ctx.actor, ident)  # type: ignore[arg-type]
    dialog = TenantDialog(ctx, record)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def b_renames(desk_b: AppContext, ident: object, phone: str) -> None:
    seen = tenants.get_tenant(desk_b.db, desk_b.actor, ident)  # type: ignore[arg-type]
    tenants.update_tenant(desk_b.db, desk_b.actor, seen.id,
                          build(TenantUpdate, phone=phone, expected_version=seen.version))


def test_reload_shows_desk_b_values_and_keeps_the_dialog_open(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    ident = tenant(ctx.db, ctx.actor, "Ana")
    dialog = tenant_dialog(qtbot, ctx, ident)
    type_into(qtbot, dialog.phone, "555-0100")
    b_renames(desk_b, ident, "555-0199")
    answers.append(forms.RELOAD)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.phone.text() == "555-0199"  # B's value in the form
    assert "Desk B" in dialog.banner.text()
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0199"
    # A makes the change again against what it now sees: it goes through
    type_into(qtbot, dialog.phone, "555-0123")
    save(qtbot, ctx, dialog)
    assert dialog.result() == 1
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0123"


def test_overwrite_saves_desk_a_values_over_desk_b(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    ident = tenant(ctx.db, ctx.actor, "Ben")
    dialog = tenant_dialog(qtbot, ctx, ident)
    type_into(qtbot, dialog.phone, "555-0100")
    b_renames(desk_b, ident, "555-0199")
    answers.append(forms.OVERWRITE)
    save(qtbot, ctx, dialog)
    assert dialog.result() == 1
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0100"
    assert not answers  # asked once


def test_cancel_keeps_the_input_and_writes_nothing(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    ident = tenant(ctx.db, ctx.actor, "Cy")
    dialog = tenant_dialog(qtbot, ctx, ident)
    type_into(qtbot, dialog.phone, "555-0100")
    b_renames(desk_b, ident, "555-0199")
    answers.append(forms.CANCEL)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.phone.text() == "555-0100"
    assert "Desk B" in dialog.banner.text()
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0199"
    # Save again: asked again (B's copy is still newer than the one A loaded)
    answers.append(forms.OVERWRITE)
    save(qtbot, ctx, dialog)
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0100"


def test_property_unit_and_room_dialogs_reload(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    room = portfolio.get_room(ctx.db, ctx.actor, flow.rooms["3B-B"])
    unit = portfolio.get_unit(ctx.db, ctx.actor, room.unit_id)
    prop = portfolio.get_property(ctx.db, ctx.actor, unit.property_id)
    dialogs: list[FormDialog] = [PropertyDialog(ctx, prop), UnitDialog(ctx, prop.id, unit),
                                 RoomDialog(ctx, room)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
    portfolio.update_property(desk_b.db, desk_b.actor, prop.id, build(
        PropertyUpdate, city="Lisbon", expected_version=prop.version))
    portfolio.update_unit(desk_b.db, desk_b.actor, unit.id, build(
        UnitUpdate, floor=7, expected_version=unit.version))
    portfolio.update_room(desk_b.db, desk_b.actor, room.id, build(
        RoomUpdate, rent_amount="1000", expected_version=room.version))
    answers.extend([forms.RELOAD] * 3)
    for dialog in dialogs:
        save(qtbot, ctx, dialog)
        assert dialog.isVisible() and "Desk B" in dialog.banner.text()
    assert isinstance(dialogs[0], PropertyDialog) and dialogs[0].city.text() == "Lisbon"
    assert isinstance(dialogs[1], UnitDialog) and dialogs[1].floor.text() == "7"
    assert isinstance(dialogs[2], RoomDialog) and dialogs[2].rent_amount.text() == "1000.00"
    answers.append(forms.OVERWRITE)  # not asked: each now carries the version B wrote
    for dialog in dialogs:
        save(qtbot, ctx, dialog)
        assert dialog.result() == 1
    assert answers == [forms.OVERWRITE]
    assert portfolio.get_room(ctx.db, ctx.actor, room.id).rent_amount == Decimal("1000.00")


def test_settings_dialog_overwrite(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    type_into(qtbot, dialog.company_name, "A's Co-Living")
    type_into(qtbot, dialog.phone, "+1 555 0100")
    seen = operator.get_profile(desk_b.db, desk_b.actor)
    operator.save_preferences(desk_b.db, desk_b.actor, build(
        OperatorProfileUpdate, company_name="B's Co-Living", expected_version=seen.version),
        settings.get_settings(desk_b.db, desk_b.actor))
    answers.append(forms.OVERWRITE)
    save(qtbot, ctx, dialog)
    assert dialog.result() == 1, dialog.banner.text()
    profile = operator.get_profile(ctx.db, ctx.actor)
    assert (profile.company_name, profile.phone) == ("A's Co-Living", "+1 555 0100")
    assert not answers  # asked once


def test_a_move_out_against_a_lease_desk_b_changed_is_asked(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    from datetime import timedelta

    from coliv_desktop.services import leasing
    from coliv_desktop.ui.leases.dialogs import MoveOutDialog
    from tests.builders import lease

    flow = flow_41(ctx.db, ctx.actor)
    start = date.today() - timedelta(days=60)
    made = lease(ctx.db, ctx.actor, flow.rooms["3B-B"], tenant(ctx.db, ctx.actor, "Dee"), start,
                 start + timedelta(days=300))
    row = leasing.get_lease_row(ctx.db, ctx.actor, made.id)
    assert row.version == made.version
    dialog = MoveOutDialog(ctx, row)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.move_out_date.set_value(start + timedelta(days=90))
    theirs = start + timedelta(days=80)
    leasing.end_lease(desk_b.db, desk_b.actor, made.id, theirs, expected_version=made.version)
    answers.append(forms.RELOAD)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and "Desk B" in dialog.banner.text()
    assert dialog.move_out_date.value() == theirs  # B's move-out, in the form
    assert leasing.get_lease(ctx.db, ctx.actor, made.id).lease_end == theirs
    answers.append(forms.OVERWRITE)  # not asked again: A now saves against B's version
    save(qtbot, ctx, dialog)
    assert "already ended" in dialog.fields.error("move_out_date") + dialog.banner.text()
    assert answers == [forms.OVERWRITE]


def test_a_residents_profile_desk_b_changed_is_reloaded(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    from coliv_desktop.services import applications
    from coliv_desktop.ui.applications.dialog import TenantProfileDialog

    ident = tenant(ctx.db, ctx.actor, "Eve")
    dialog = TenantProfileDialog(ctx, tenants.get_tenant(ctx.db, ctx.actor, ident))
    qtbot.addWidget(dialog)
    dialog.show()
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    assert dialog.save_button.isEnabled()
    mine = dialog.profile.profile()
    theirs = mine.model_copy(update={"cleanliness": 1 if mine.cleanliness != 1 else 5})
    _profile, version = applications.tenant_profile(desk_b.db, desk_b.actor, ident)
    applications.set_tenant_profile(desk_b.db, desk_b.actor, ident, theirs,
                                    expected_version=version)
    answers.append(forms.RELOAD)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and "Desk B" in dialog.banner.text()
    assert dialog.profile.cleanliness.value() == theirs.cleanliness
    save(qtbot, ctx, dialog)  # now against B's version: saved, not asked again
    assert dialog.result() == 1 and not answers


def test_settings_dialog_reload(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    type_into(qtbot, dialog.company_name, "A's Co-Living")
    seen = operator.get_profile(desk_b.db, desk_b.actor)
    values = settings.get_settings(desk_b.db, desk_b.actor)
    values["rent_due_day"] = 5
    operator.save_preferences(desk_b.db, desk_b.actor, build(
        OperatorProfileUpdate, company_name="B's Co-Living", expected_version=seen.version),
        values)
    answers.append(forms.RELOAD)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and "Desk B" in dialog.banner.text()
    assert dialog.company_name.text() == "B's Co-Living"
    day = dialog.fields.widgets["rent_due_day"]
    assert isinstance(day, QSpinBox) and day.value() == 5


def test_the_question_offers_reload_overwrite_and_cancel(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext) -> None:
    """The real box (the other tests answer it directly): who changed it, three choices."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    ident = tenant(ctx.db, ctx.actor, "Flo")
    dialog = tenant_dialog(qtbot, ctx, ident)
    type_into(qtbot, dialog.phone, "555-0100")
    b_renames(desk_b, ident, "555-0199")
    shown: list[tuple[str, list[str]]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        shown.append((box.text(), [b.text() for b in box.buttons()]))
        reload = next(b for b in box.buttons() if b.text() == "Reload")
        reload.click()

    QTimer.singleShot(20, answer)
    save(qtbot, ctx, dialog)
    (text, buttons), = shown
    assert "Desk B" in text and "Tenant Flo" in text
    assert {"Reload", "Overwrite", "Cancel"} <= set(buttons)
    assert dialog.phone.text() == "555-0199"


def test_a_late_fee_rule_desk_b_saved_is_reloaded_then_overwritten(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, answers: list[str]) -> None:
    """The late fee rule dialog carries the version it loaded (0: the property had none)."""
    from coliv_desktop.schemas.late_fees import LateFeeRuleIn
    from coliv_desktop.services import late_fees
    from coliv_desktop.ui.ledger.late_fees import LateFeeRuleDialog

    flow = flow_41(ctx.db, ctx.actor)
    row = next(r for r in late_fees.list_property_rules(ctx.db, ctx.actor)
               if r.property_id == flow.property_id)
    assert row.version == 0 and not row.own
    dialog = LateFeeRuleDialog(ctx, row)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_default.setChecked(False)
    dialog.mode.setCurrentIndex(dialog.mode.findData("flat"))
    type_into(qtbot, dialog.flat_amount, "25.00")
    # desk B gives the property its own rule first
    late_fees.set_property_rule(desk_b.db, desk_b.actor, flow.property_id, build(
        LateFeeRuleIn, mode="flat", flat_amount="40", expected_version=0))
    answers.append(forms.RELOAD)
    save(qtbot, ctx, dialog)
    assert dialog.isVisible() and dialog.flat_amount.text() == "40.00"
    assert late_fees.effective_rule(ctx.db, ctx.actor, flow.property_id).flat_amount == 40
    # a second change by B, then A overwrites with its own value
    seen = late_fees.property_rule(desk_b.db, desk_b.actor, flow.property_id)
    late_fees.set_property_rule(desk_b.db, desk_b.actor, flow.property_id, build(
        LateFeeRuleIn, mode="flat", flat_amount="45", expected_version=seen.version))
    type_into(qtbot, dialog.flat_amount, "30.00")
    answers.append(forms.OVERWRITE)
    save(qtbot, ctx, dialog)
    assert dialog.result() == 1
    assert late_fees.effective_rule(ctx.db, ctx.actor, flow.property_id).flat_amount == 30
    # following the default again, against a copy B changed since, is refused at the service
    stale = late_fees.property_rule(ctx.db, ctx.actor, flow.property_id).version
    late_fees.set_property_rule(desk_b.db, desk_b.actor, flow.property_id, build(
        LateFeeRuleIn, mode="flat", flat_amount="50", expected_version=stale))
    with pytest.raises(ChangedMeanwhile, match="Desk B"):
        late_fees.clear_property_rule(ctx.db, ctx.actor, flow.property_id, stale)
    assert late_fees.effective_rule(ctx.db, ctx.actor, flow.property_id).flat_amount == 50
