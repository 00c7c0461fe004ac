"""The dashboard: occupancy, revenue and what needs attention."""
