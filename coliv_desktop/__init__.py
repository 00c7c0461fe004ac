"""CoLiv Desktop: property management for small co-living operators."""

APP_NAME = "CoLiv"


def __getattr__(name: str) -> str:
    # `__version__` comes from the package metadata (pyproject.toml), or from the facts baked
    # into a frozen bundle; read on first use, since importlib.metadata costs start-up time.
    if name == "__version__":
        from coliv_desktop.appinfo import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
