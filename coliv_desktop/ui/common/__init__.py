"""The building blocks every part of the window shares: the application context and its task runner,
item models, forms, widgets, undo commands, the pane base."""
