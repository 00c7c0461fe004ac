"""The portfolio: properties, units and rooms, their editors and the archive."""
