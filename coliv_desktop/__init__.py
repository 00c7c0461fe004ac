"""CoLiv Desktop: property management for small co-living operators."""

__version__ = "0.1.0"
APP_NAME = "CoLiv"
