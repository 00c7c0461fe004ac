"""`coliv [--db URL] --screenshot FILE.png [--pane NAME]`: render a pane offscreen at 1280x800
after its data has loaded, save the PNG, exit 0."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1280, 800


def screenshot(db_url: str | None, path: str, pane: str = "dashboard",
               user: str | None = None) -> int:
    """With `user` (`--user NAME`), the window as that user sees it, signed in with
    $COLIV_PASSWORD (and $COLIV_TOTP): what a role may not do is hidden there too."""
    # an offscreen screen with room for the picture and the window's frame (windows fit their
    # screen: `ui.common.screens`)
    screen = Path(tempfile.mkdtemp(prefix="coliv-screen-")) / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": "screenshot", "x": 0, "y": 0, "width": WIDTH + 100, "height": HEIGHT + 100,
        "logicalDpi": 96, "dpr": 1}]}), "utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from coliv_desktop import config
    from coliv_desktop.ui.shell.app import build_window, create_app
    from coliv_desktop.ui.shell.panes import pane_spec

    try:
        pane_spec(pane)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    app = create_app()
    with tempfile.TemporaryDirectory() as folder:
        # The user's window settings stay untouched: a screenshot is always the default layout.
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        ctx, window = build_window(settings)
        opened = open_in_worker(ctx, config.resolve_db_url(db_url), user)
        window.resize(WIDTH, HEIGHT)
        window.show()
        ctx.set_database(opened)
        window.show_pane(pane)
        settle(app, ctx)
        prepare = getattr(window.pane(pane), "prepare_screenshot", None)
        if callable(prepare):
            prepare()
            settle(app, ctx)
        if pane == "tree" and window.tree.model.roots:
            first = window.tree.model.roots[0]
            target = first.children[0] if first.children else first
            window.tree.select(target.id)
            settle(app, ctx)
        image = window.grab()
        if image.width() != WIDTH or image.height() != HEIGHT:
            image = image.scaled(WIDTH, HEIGHT)
        saved = image.save(path, "PNG")
        window.close()
        ctx.tasks.wait_idle()
        ctx.close_database()
        ctx.tasks.wait_idle()
        QApplication.processEvents()
    if not saved:
        print(f"error: could not write {path}", file=sys.stderr)
        return 1
    print(f"saved {pane} ({WIDTH}x{HEIGHT}) to {path}")
    return 0


def open_in_worker(ctx: Any, url: Any, user: str | None = None) -> Any:
    """Open the database in a worker like the window does, waiting for it: nothing is on
    screen yet, so there is no window to keep responsive, but the one path (no query on the
    GUI thread) holds for this command too. An error is raised as a synchronous open would."""
    from coliv_desktop.cli.users import PASSWORD_ENV, TOTP_ENV
    from coliv_desktop.services.databases import Credentials, open_database

    credentials = None if user is None else Credentials(
        user, os.environ.get(PASSWORD_ENV, ""), os.environ.get(TOTP_ENV))
    outcome: list[tuple[Any, BaseException | None]] = []
    ctx.tasks.run_task(lambda: open_database(url, credentials=credentials),
                       lambda r, e: outcome.append((r, e)))
    ctx.tasks.wait_idle(timeout_ms=600_000)  # a first upgrade of a large book takes a while
    if not outcome:
        raise TimeoutError(f"{url!r} did not open within 10 minutes")
    result, error = outcome[0]
    if error is not None:
        raise error
    return result


def settle(app: object, ctx: object) -> None:
    """Let every background load finish and the window repaint (loads may start loads)."""
    from PySide6.QtWidgets import QApplication

    from coliv_desktop.ui.common.context import AppContext

    assert isinstance(ctx, AppContext)
    for _ in range(4):
        QApplication.processEvents()
        ctx.tasks.wait_idle()
        QApplication.processEvents()
