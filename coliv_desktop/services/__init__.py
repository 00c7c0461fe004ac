"""Use cases. One public call is one transaction; each takes the acting user first."""
