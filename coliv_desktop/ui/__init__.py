"""The PySide6 desktop application. Qt is imported only under this package.

How to plug a pane, a dialog or background work into the window
===============================================================

Layout: a folder per capability (dashboard, portfolio, tenants, leases, turnover, ledger,
applications), holding its pane (`pane.py`), dialogs and views; the building blocks every part
shares in `common/`; the window around them in `shell/`. A new capability is a new folder.

Context (`ui.common.context.AppContext`), handed to every pane and dialog (no globals):
    ctx.db / ctx.actor      the open Database and the acting user, for service calls
    ctx.bus                 app-wide signals (`SignalBus`):
                              database_switched, portfolio_changed, tenants_changed,
                              leases_changed, ledger_changed, applications_changed,
                              settings_changed  -- "this kind of data changed: reload"
                              open_pane(key), open_property/open_unit/open_room/open_tenant/
                              open_lease(uuid) -- ask the main window to show a record
                              status_message(str), error(str)
    ctx.open_tenant(id), ctx.open_lease(id), ctx.open_room(id)   shortcuts for the above
    ctx.settings            the QSettings (window geometry, splitters, columns, recent dbs)
    ctx.undo_stack          the QUndoStack behind Edit > Undo (Ctrl+Z) / Redo (Ctrl+Shift+Z)
    ctx.ids                 id aliases for commands that re-create rows on redo
    ctx.written             row id -> version this desk's last undoable write left
    ctx.run_task(fn, on_done, control=None)
                            run `fn()` in a QThreadPool worker; `on_done(result, error)` runs
                            on the GUI thread (results from before a database switch are
                            dropped). Workers call services only, never widgets.
    ctx.money(amount)       money formatted with the operator's currency and locale (babel)
    ctx.editing             the main window's `ui.shell.actions.Editing` (None without a window),
                            typed `ui.common.editing_port.EditingPort`: add_property/add_unit/
                            add_rooms/add_tenant/new_lease(room_id=, tenant_id=)/move_out/
                            renew/edit_*/archive(kind, id, on_done=). What an action reads
                            before its dialog is read in a worker: it returns before the
                            dialog opens; a caller that needs the outcome passes a callback.

Starting (`ui.shell.app.launch`, what `coliv` runs): the window is built and shown with PySide6
alone; the database opens in a worker (SQLAlchemy, models, schemas and services load there),
then `database_switched` fills the panes. Keep it that way: a module the window imports at
start (shell's main_window, tree_dock, databases, welcome; common's widgets, models, pane,
context) imports services and schemas inside functions or under TYPE_CHECKING
(tests/ui/test_startup.py checks); `ctx.editing` loads `ui.shell.actions` on first use. Work
that should not hold up the first view goes through `ctx.tasks.when_idle(fn)` (the rent run on
open does).

Background work (`ui.common.tasks`): `TaskControl` gives long work `progress(done, total, text)` and
`check()` (raises TaskCancelled after Cancel); `run_with_progress(ctx.tasks, parent, title,
fn, on_done)` shows a progress dialog with Cancel. `ctx.tasks.wait_idle()` waits for all.

Panes (`ui.shell.panes`): subclass `ui.common.pane.Pane` (a QWidget taking the context), set
`reload_signals(bus)` (the bus signals that make it stale, e.g. `(bus.leases_changed,)`) and
implement `reload()`; the pane reloads when shown
after its data changed. Register it with one line in `ui/shell/panes.py`:
    PaneSpec("ledger", "Ledger", "ledger", "Ctrl+6", "coliv_desktop.ui.ledger.pane:LedgerPane",
             "Rent charges and payments")
(key, title, icon in resources/icons/<icon>.svg, shortcut, lazy factory, tooltip). The main
window adds it to the side bar and the View menu; `coliv --screenshot x.png --pane ledger`
renders it.

Lists (`ui.common.models`): `Column(key, title, value, kind="money"|"date"|"int"|"percent"|"text",
sort=...)`; `RowTableModel(columns, money=ctx.money)` with `set_rows(rows)` and `ROW_ROLE`
(the row object); `PagedQueryModel(columns, None, count, seek=..., anchors=...,
run=ctx.run_task)` for lists the database must sort and filter, of any length (keyset paging:
seek(search, sort, descending, Seek, limit) -> Slice with its first and last rows' cursors,
anchors(search, sort, descending, every) -> the cursor every page, so any page costs what the
first costs; see `services.keyset`; or the older fetch(search, sort, descending, offset,
limit) with an optional fetch_from_end), count(search): a window that reports the full count
as rowCount, loads only the pages on screen in a
worker (placeholders until they arrive), keeps a few pages (LRU) and answers `cached_row(i)`
/ `loaded_rows()`; `RowFilterProxy` (search + sort in memory) or, for a paged model,
`QueryProxy` (one to one; search and sort become a new query), chosen by `proxy_for(model)`.
`ui.common.widgets.ListView(model, ctx.settings, key)` wires model + proxy + remembered columns
(header right-click).

Forms (`ui.common.forms`): `FormDialog(title, parent)`: add fields with `self.fields.add(name,
label, widget)` where `name` is the service's field name, call `finish_layout()`, implement
`build_input()` (via `schemas.build`) and `save(data)`. A ValidationError from either shows
next to its field (as you type for touched fields, and on Save); other errors in the banner.
Questions before saving: override `confirmation(data)` to return a question for what only the
GUI checks (`forms.no_rent_question` for a rent of 0.00); a service's NeedsConfirmation is asked
by the base and `save` runs again with `self.forced`: pass `**self.force()` to services that
may ask. The fields scroll on a small screen (`ContentScroll`); every window and dialog is
fitted to its screen when shown (`ui.common.screens`, an application event filter).
Files: `ui.common.widgets.not_saved(error, path)` is the one sentence for a file not written
(FileProblem or OSError); `widgets.Messages.warn` shows it (tests replace it).

Undo (`ui.common.commands`): run the service, then `ctx.undo_stack.push(ServiceCommand(ctx, text,
redo=..., undo=..., changed=(ctx.bus.ledger_changed,)))`; helpers `edit_command`, `archive_command`,
`add_command`, `add_rooms_command`, `lease_command`, and for lease edits `move_out_command`,
`renew_command`, `cancel_command` (their undo reopens / removes / restores the lease, and the
ledger follows: the rent a move-out reversed is charged again). An edit of a versioned row is
a `VersionedCommand` (steps made with `one_row(ident, service(id, expected_version))`): it
hands the service the version this desk last wrote (`ctx.written`), and a `ChangedMeanwhile`
refusal drops it, with every command about the same rows, and tells the operator who.
Undo and redo run their services in a worker, one at a time in the order pressed
(`commands.UndoQueue`): the stack moves at once, the rows once the call returns; a refused
one leaves the stack. Tests wait with `ctx.tasks.wait_idle()` after `undo_stack.undo()`.
Payments and charges start from the selection: a pane may define `lease_choice()` returning a
`ui.ledger.dialogs.LeaseChoice` (a lease, else a tenant, else a room).

PDFs (`ui.ledger.views.preview_pdf(ctx, parent, title, write, opened=None)`): renders in a
worker, then shows the QtPdf preview with Print and Save as; `PdfPreview.delivered` says it was
printed or saved. It asks about an unset business profile first; a document made another way
(a folder of receipts, a file written directly) starts with
`ui.shell.profile_prompt.with_profile(ctx, parent, proceed)`. Statuses in a list:
`ui.ledger.views.StatusDelegate` draws a coloured chip.
Settings: File > Settings… is built from `config.SETTINGS`; declare a new setting there (type,
label, group, kind, bounds, choices) and it appears in the dialog.
"""
