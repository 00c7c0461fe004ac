"""Pure rules: no Qt, no SQLAlchemy, no I/O."""
