"""Leases: the list and the lease editors (new, move-out, renewal, transfer)."""
