"""Engine, session factories, ORM models and migrations. Sessions never leave services/."""
