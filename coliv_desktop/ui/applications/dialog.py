"""Applications and compatibility profiles: add or edit an application, set a resident's
profile. Profile errors show next to the profile field they name."""

from __future__ import annotations

from typing import Any

import pydantic
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.matching import (
    HUMAN,
    NOISE_TOLERANCES,
    SLEEP_SCHEDULES,
    SOCIAL_PREFERENCES,
    CompatibilityProfile,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import ApplicationCreate, ApplicationOut, ApplicationUpdate
from coliv_desktop.schemas.common import from_pydantic
from coliv_desktop.schemas.people import TenantOut
from coliv_desktop.services import applications
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import FieldErrors, FormDialog

PREFIX = "compatibility_profile."
CHOICES = {"sleep_schedule": SLEEP_SCHEDULES, "noise_tolerance": NOISE_TOLERANCES,
           "social_preference": SOCIAL_PREFERENCES}
LABELS = {"sleep_schedule": "Sleep schedule", "noise_tolerance": "Noise tolerance",
          "social_preference": "Social"}
FLAGS = (("work_from_home", "Works from home"), ("has_pets", "Has pets"),
         ("pet_allergies", "Allergic to pets"), ("smoking", "Smokes"),
         ("smoking_ok", "Accepts smoking roommates"))


class ProfileFields:
    """The profile's fields, added to a form; errors named `compatibility_profile.X` land on
    field X."""

    def __init__(self, fields: FieldErrors, profile: CompatibilityProfile | None) -> None:
        self.combos: dict[str, QComboBox] = {}
        for key, values in CHOICES.items():
            combo = QComboBox()
            for value in values:
                label = HUMAN[value]
                combo.addItem(label[:1].upper() + label[1:], value)
            fields.add(PREFIX + key, LABELS[key], combo)
            self.combos[key] = combo
        self.cleanliness = QSpinBox()
        self.cleanliness.setRange(1, 5)
        self.cleanliness.setValue(3)
        self.cleanliness.setSuffix(" / 5")
        fields.add(PREFIX + "cleanliness", "Cleanliness", self.cleanliness)
        self.flags: dict[str, QCheckBox] = {}
        for key, label in FLAGS:
            box = QCheckBox(label)
            fields.add(PREFIX + key, "", box)
            self.flags[key] = box
        self.flags["smoking"].toggled.connect(
            lambda on: self.flags["smoking_ok"].setChecked(True) if on else None)
        self.age = QLineEdit()
        self.age.setPlaceholderText("optional")
        self.occupation = QLineEdit()
        self.interests = QLineEdit()
        self.interests.setPlaceholderText("comma-separated, e.g. hiking, cooking")
        fields.add(PREFIX + "age", "Age", self.age)
        fields.add(PREFIX + "occupation", "Occupation", self.occupation)
        fields.add(PREFIX + "interests", "Interests", self.interests)
        if profile is not None:
            self.set_profile(profile)
        else:
            self.combos["sleep_schedule"].setCurrentIndex(1)
            self.combos["noise_tolerance"].setCurrentIndex(1)
            self.combos["social_preference"].setCurrentIndex(1)

    def set_profile(self, profile: CompatibilityProfile) -> None:
        for key, combo in self.combos.items():
            combo.setCurrentIndex(combo.findData(getattr(profile, key)))
        self.cleanliness.setValue(profile.cleanliness)
        for key, box in self.flags.items():
            box.setChecked(bool(getattr(profile, key)))
        self.age.setText("" if profile.age is None else str(profile.age))
        self.occupation.setText(profile.occupation or "")
        self.interests.setText(", ".join(profile.interests))

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: combo.currentData() for key, combo in self.combos.items()}
        data["cleanliness"] = self.cleanliness.value()
        data.update({key: box.isChecked() for key, box in self.flags.items()})
        age = self.age.text().strip()
        data["age"] = (int(age) if age.isdigit() else age) if age else None
        data["occupation"] = self.occupation.text().strip() or None
        data["interests"] = [i.strip() for i in self.interests.text().split(",") if i.strip()]
        return data

    def profile(self, **extra: Any) -> CompatibilityProfile:
        try:
            return CompatibilityProfile.model_validate({**self.values(), **extra})
        except pydantic.ValidationError as exc:
            problem = from_pydantic(exc)
            raise ValidationError(PREFIX + problem.field, problem.detail) from None


def _section(dialog: FormDialog, text: str) -> None:
    label = QLabel(f"<b>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    dialog.form.addRow(label)


class ApplicationDialog(FormDialog):
    """Add an application (it is matched at once) or edit an open one."""

    def __init__(self, ctx: AppContext, existing: ApplicationOut | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit application" if existing else "New application", parent, runner=ctx,
                         save_text="Save" if existing else "Add and match")
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.existing = existing
        e = existing
        self.first_name = QLineEdit(e.first_name if e else "")
        self.last_name = QLineEdit(e.last_name if e else "")
        self.email = QLineEdit(e.email if e else "")
        self.email.setPlaceholderText("name@example.com")
        self.phone = QLineEdit(e.phone or "" if e else "")
        self.move_in_date = DateField(e.move_in_date if e else today())
        self.lease_length_months = QSpinBox()
        self.lease_length_months.setRange(0, 120)
        self.lease_length_months.setSpecialValueText("not given (open-ended)")
        self.lease_length_months.setSuffix(" months")
        self.lease_length_months.setValue(e.lease_length_months or 0 if e else 6)
        self.max_rent = QLineEdit("" if e is None or e.max_rent is None else f"{e.max_rent:.2f}")
        self.max_rent.setPlaceholderText("no limit")
        self.max_rent.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.notes = QPlainTextEdit(e.notes or "" if e else "")
        self.notes.setFixedHeight(50)
        for name, label, widget in (
            ("first_name", "First name", self.first_name),
            ("last_name", "Last name", self.last_name), ("email", "Email", self.email),
            ("phone", "Phone", self.phone), ("move_in_date", "Move-in", self.move_in_date),
            ("lease_length_months", "Lease length", self.lease_length_months),
            ("max_rent", "Budget / month", self.max_rent), ("notes", "Notes", self.notes),
        ):
            self.fields.add(name, label, widget)
        _section(self, "Compatibility profile")
        self.profile = ProfileFields(self.fields, e.compatibility_profile if e else None)
        self.finish_layout()

    def build_input(self) -> Any:
        months = self.lease_length_months.value() or None
        values: dict[str, Any] = dict(
            first_name=self.first_name.text(), last_name=self.last_name.text(),
            email=self.email.text(), phone=self.phone.text(),
            move_in_date=self.move_in_date.value(), lease_length_months=months,
            max_rent=self.max_rent.text().strip() or None, notes=self.notes.toPlainText())
        profile = self.profile.profile()
        if self.existing is None:
            return build(ApplicationCreate, **values,
                         compatibility_profile=profile.model_dump(exclude={"max_rent"}))
        return build(ApplicationUpdate, **values,
                     compatibility_profile=profile.model_dump(exclude={"max_rent"}),
                     expected_version=self.existing.version)

    def reload(self) -> ApplicationOut | None:
        if self.existing is None:
            return None
        return applications.get_application(self.ctx.db, self.ctx.actor, self.existing.id)

    def refill(self, record: ApplicationOut) -> None:
        self.first_name.setText(record.first_name)
        self.last_name.setText(record.last_name)
        self.email.setText(record.email)
        self.phone.setText(record.phone or "")
        self.move_in_date.set_value(record.move_in_date)
        self.lease_length_months.setValue(record.lease_length_months or 0)
        self.max_rent.setText("" if record.max_rent is None else f"{record.max_rent:.2f}")
        self.notes.setPlainText(record.notes or "")
        if record.compatibility_profile is not None:
            self.profile.set_profile(record.compatibility_profile)

    def save(self, data: Any) -> ApplicationOut:
        if self.existing is None:
            return applications.add_application(self.ctx.db, self.ctx.actor, data)
        return applications.update_application(self.ctx.db, self.ctx.actor, self.existing.id,
                                               data)


class TenantProfileDialog(FormDialog):
    """A resident's compatibility profile, which applicants are scored against."""

    def __init__(self, ctx: AppContext, tenant: TenantOut, parent: QWidget | None = None
                 ) -> None:
        super().__init__(f"Compatibility profile: {tenant.full_name}", parent, runner=ctx)
        self.ctx = ctx
        self.tenant = tenant
        self.profile = ProfileFields(self.fields, None)
        self.finish_layout()
        # the profile on file, read in the background; Save waits for it (else a save could
        # overwrite it with the blank form)
        self.save_button.setEnabled(False)
        self.version: int | None = None  # the tenant's, read with the profile
        ctx.run_task(self.reload, self._loaded)

    def _loaded(self, current: tuple[CompatibilityProfile | None, int] | None,
                error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        if error is not None or current is None:
            self.show_banner(str(error))
            return
        self.adopt(current)
        self.refill(current)
        self.save_button.setEnabled(True)

    def reload(self) -> tuple[CompatibilityProfile | None, int]:
        return applications.tenant_profile(self.ctx.db, self.ctx.actor, self.tenant.id)

    def adopt(self, record: tuple[CompatibilityProfile | None, int]) -> None:
        self.version = record[1]

    def refill(self, record: tuple[CompatibilityProfile | None, int]) -> None:
        if record[0] is not None:
            self.profile.set_profile(record[0])

    def build_input(self) -> CompatibilityProfile:
        return self.profile.profile()

    def save(self, data: CompatibilityProfile) -> TenantOut:
        return applications.set_tenant_profile(self.ctx.db, self.ctx.actor, self.tenant.id, data,
                                               expected_version=self.version)
