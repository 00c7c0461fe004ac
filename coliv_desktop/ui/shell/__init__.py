"""The shell: the application, main window, menus and actions, the property tree, the change
watcher, crash reporter, welcome page, databases, settings, screenshot and the pane registry."""
