"""House life (issue 14): announcements, events and their answers, the house board and
roommate conflicts, for one property or all, one tab each."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, SignalInstance
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout

from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import heading
from coliv_desktop.ui.community.announcements import AnnouncementsTab
from coliv_desktop.ui.community.board import BoardTab
from coliv_desktop.ui.community.common import WRITE, CommunityTab, Places, load_places
from coliv_desktop.ui.community.conflicts import ConflictsTab
from coliv_desktop.ui.community.events import EventsTab

NEW_KEY = QKeySequence("Ctrl+N")
TABS = ("announcements", "events", "board", "conflicts")


class CommunityPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        # names of properties, units and tenants show in every tab
        return (bus.portfolio_changed, bus.tenants_changed, bus.leases_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.places = Places()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Community"))
        top.addStretch(1)
        top.addWidget(QLabel("Property"))
        self.property_filter = QComboBox()
        self.property_filter.setObjectName("community_property")
        self.property_filter.setMinimumWidth(220)
        self.property_filter.addItem("All properties", "")
        self.property_filter.setToolTip("Show one property's house life, or every property's")
        self.property_filter.currentIndexChanged.connect(lambda *_: self._property_changed())
        top.addWidget(self.property_filter)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("community_tabs")
        self.announcements = AnnouncementsTab(ctx)
        self.events = EventsTab(ctx)
        self.board = BoardTab(ctx)
        self.conflicts = ConflictsTab(ctx)
        for tab in self.all_tabs():
            self.tabs.addTab(tab, tab.title)
        self.tabs.currentChanged.connect(lambda *_: self._tab_changed())
        layout.addWidget(self.tabs, 1)
        self._loaded: set[int] = set()
        # Delete: archive, call off, or hide in the tab shown (a search box keeps its own
        # Delete: it takes the key first)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tabs)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(lambda: self.current_tab().delete())
        # Ctrl+N is File > New Database everywhere else: inside this pane it means a new
        # item of the tab shown, for the roles that may write (see `eventFilter`)
        self.installEventFilter(self)
        for child in self.findChildren(QObject):
            if child.isWidgetType():
                child.installEventFilter(self)

    def all_tabs(self) -> tuple[CommunityTab, ...]:
        return (self.announcements, self.events, self.board, self.conflicts)

    def current_tab(self) -> CommunityTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, CommunityTab)
        return tab

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """A window-wide shortcut would win over a pane's own for the same key (Qt calls two
        such shortcuts ambiguous and runs neither): accepting the ShortcutOverride while the
        focus is in this pane delivers Ctrl+N here as a key press instead."""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
                isinstance(event, QKeyEvent) and self.ctx.may(WRITE) and _is_new(event):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.current_tab().new()
            return True
        return super().eventFilter(watched, event)

    # --- loading ---------------------------------------------------------------------------

    @property
    def property_id(self) -> uuid.UUID | None:
        value = self.property_filter.currentData()
        return uuid.UUID(value) if value else None

    def reload(self) -> None:
        ctx = self.ctx
        self.ctx.run_task(lambda: load_places(ctx), self._places_loaded)

    def _places_loaded(self, places: Any, error: BaseException | None) -> None:
        if error is not None:
            self.ctx.bus.error.emit(f"Could not load the properties: {error}")
            return
        self.places = places
        keep = self.property_id
        self.property_filter.blockSignals(True)
        self.property_filter.clear()
        self.property_filter.addItem("All properties", "")
        for prop_id, name in sorted(places.properties.items(), key=lambda p: p[1].casefold()):
            self.property_filter.addItem(name, str(prop_id))
        index = self.property_filter.findData(str(keep) if keep else "")
        self.property_filter.setCurrentIndex(max(index, 0))
        self.property_filter.blockSignals(False)
        self._reload_tabs()

    def _reload_tabs(self) -> None:
        """The tab shown now; the others when they are first shown again."""
        self._loaded.clear()
        for tab in self.all_tabs():
            tab.places = self.places
            tab.property_id = self.property_id
        self._tab_changed()

    def _property_changed(self) -> None:
        self._reload_tabs()

    def _tab_changed(self) -> None:
        index = self.tabs.currentIndex()
        if index not in self._loaded and self.ctx.has_database:
            self._loaded.add(index)
            self.current_tab().reload()
        self.loaded.emit()

    def show_view(self, view: str) -> None:
        """`open_pane_view`: a tab by name (announcements, events, board, conflicts)."""
        if view in TABS:
            self.tabs.setCurrentIndex(TABS.index(view))

    def prepare_screenshot(self) -> None:
        self.current_tab().prepare_screenshot()


def _is_new(event: QKeyEvent) -> bool:
    pressed = QKeySequence(event.keyCombination())
    return pressed.matches(NEW_KEY) == QKeySequence.SequenceMatch.ExactMatch
