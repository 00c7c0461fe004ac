"""Pydantic models: what the UI and the CLI hand to services, and what they get back."""

from coliv_desktop.schemas.common import build

__all__ = ["build"]
