"""Tenants: the list, each tenant's record, and the tenant editor."""
