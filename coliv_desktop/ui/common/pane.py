"""What a pane is: a QWidget built from the AppContext, registered once with a PaneSpec."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from coliv_desktop.ui.common.context import AppContext, SignalBus


class Pane(QWidget):
    """A page of the main window.

    Subclasses implement `reload()` (fetch through `ctx.run_task`, fill their models) and list
    the bus signals that make their data stale in `reload_signals`. A pane hidden when its data
    changes reloads the next time it is shown, so hidden panes cost nothing.
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.bus.database_switched.connect(self.mark_stale)
        ctx.bus.everything_changed.connect(self.mark_stale)
        for signal in self.reload_signals(ctx.bus):
            signal.connect(self.mark_stale)

    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        """The bus signals that make what this pane shows stale. Override."""
        return ()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible() and self.ctx.has_database:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self.reload()

    def reload(self) -> None:
        """Load what the pane shows. Override."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.ctx.has_database:
            self.refresh()


PaneFactory = Callable[[AppContext], Pane]


@dataclass(frozen=True)
class PaneSpec:
    """A pane in the side bar: key (for --pane and settings), title, icon name (a file in
    resources/icons/ without .svg), shortcut, and the factory: a callable or a lazy
    "package.module:ClassName" string, imported only when the pane is first shown."""

    key: str
    title: str
    icon: str
    shortcut: str
    factory: PaneFactory | str
    tooltip: str = ""
    needs: str = "read"  # the permission to open it (the ledger: "ledger.read")

    def create(self, ctx: AppContext) -> Pane:
        factory = self.factory
        if isinstance(factory, str):
            module_name, _, attr = factory.partition(":")
            factory = getattr(importlib.import_module(module_name), attr)
        assert callable(factory)
        return factory(ctx)
