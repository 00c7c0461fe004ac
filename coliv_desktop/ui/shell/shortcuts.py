"""Help ▸ Keyboard Shortcuts: every menu command that has a key, read from the menus
themselves (so the list cannot drift from what the keys do), searchable and sortable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QMenuBar, QVBoxLayout, QWidget

from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, list_filter


@dataclass(frozen=True)
class ShortcutRow:
    menu: str  # "File", "View"
    command: str  # "Back Up Now"
    keys: str  # "Ctrl+B", or "Ctrl+Shift+Z, Ctrl+Y" when several
    order: int  # where it is in the menus (the list's first order)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def menu_actions(bar: QMenuBar) -> Iterator[tuple[str, QAction]]:
    """(menu path, command) for every command of every menu, submenus included, in order."""

    def walk(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                yield from walk(sub, f"{path} ▸ {_plain(sub.title())}")
            elif not action.isSeparator():
                yield path, action

    for top in bar.actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            yield from walk(menu, _plain(menu.title()))


def shortcut_rows(bar: QMenuBar) -> list[ShortcutRow]:
    """The commands of the menus that have keyboard shortcuts."""
    rows: list[ShortcutRow] = []
    for path, action in menu_actions(bar):
        if action.shortcuts():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            rows.append(ShortcutRow(path, _plain(action.text()), keys, len(rows)))
    return rows


def clashing_keys(bar: QMenuBar) -> dict[str, list[str]]:
    """Key sequences bound to more than one command (Qt then runs neither)."""
    seen: dict[str, list[str]] = {}
    done: set[int] = set()  # an action in two menus is one command
    for _path, action in menu_actions(bar):
        if id(action) not in done:
            done.add(id(action))
            for key in action.shortcuts():
                seen.setdefault(key.toString(), []).append(_plain(action.text()))
    return {key: names for key, names in seen.items() if len(names) > 1}


class ShortcutsDialog(QDialog):
    def __init__(self, ctx: AppContext, bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 560)
        self.model: RowTableModel[ShortcutRow] = RowTableModel([
            Column("order", "In menu order", lambda r: r.order, "int", visible=False),
            Column("menu", "Menu", lambda r: r.menu, width=150),
            Column("command", "Command", lambda r: r.command, width=230),
            Column("keys", "Keys", lambda r: r.keys, width=140),
        ])
        self.model.set_rows(shortcut_rows(bar))
        self.view = ListView(self.model, ctx.settings, "shortcuts")
        self.search = list_filter([self.view], "Find a command or a key")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
