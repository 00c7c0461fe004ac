"""Every window fits the screen it opens on: one mechanism for the main window and all dialogs.

An event filter on the application sees each top-level window as it is shown and fits it
inside its screen's available geometry (the screen less the task bar and docks): no larger
than that, moved inside it (a geometry restored from a bigger monitor, a preview 900 pixels
tall on a 768-pixel laptop). A form dialog keeps its fields in a scroll area (`ui.common.forms`), so
it can shrink below its content and scroll; such a window (`grows_to_content`) is also grown
to what its content wants, up to the screen, rather than Qt's default of two thirds of it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

DEFAULT_SIZE = QSize(1280, 800)  # the main window's first size, where the screen has room
_INSTALLED = "coliv_screen_fit"


def available_geometry(window: QWidget) -> QRect:
    """Where a window may be: its screen's available geometry (tests replace this)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_window(window: QWidget) -> None:
    """Size `window` to fit its screen's available geometry and move it inside it."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = available_geometry(window)
    frame, inner = window.frameGeometry(), window.geometry()
    margins = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    room = QSize(area.width() - margins.width(), area.height() - margins.height())
    size = window.size()
    if window.property("grows_to_content"):
        size = size.expandedTo(window.sizeHint())
    size = size.boundedTo(room).expandedTo(window.minimumSize())
    if size != window.size():
        window.resize(size)
    if isinstance(window, QDialog) and not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        return  # a dialog not placed by hand is centred on its parent, inside the screen, next
    outer = QSize(size.width() + margins.width(), size.height() + margins.height())
    x = min(max(frame.x(), area.left()), area.left() + max(area.width() - outer.width(), 0))
    y = min(max(frame.y(), area.top()), area.top() + max(area.height() - outer.height(), 0))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def first_size(window: QWidget) -> QSize:
    """The main window's size with nothing remembered: 1280x800, or the screen if smaller."""
    area = available_geometry(window)
    return DEFAULT_SIZE.boundedTo(area.size())


class ScreenFit(QObject):
    """Fits every top-level window when it is shown (`fit_window`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) \
                and watched.isWindow() and watched.windowType() in (
                    Qt.WindowType.Window, Qt.WindowType.Dialog):
            fit_window(watched)
        return False


def install() -> None:
    """Once per application: every window shown from now on fits its screen."""
    app = QApplication.instance()
    if app is None or app.property(_INSTALLED):
        return
    app.installEventFilter(ScreenFit(app))
    app.setProperty(_INSTALLED, True)
