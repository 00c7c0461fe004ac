"""Editing dialogs: each a FormDialog whose errors come from the same services the CLI uses."""
