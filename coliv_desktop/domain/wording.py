"""How counts and receipt numbers are written, the same in every document, report and screen."""

from __future__ import annotations

RECEIPT_DIGITS = 6


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 lease", "2 leases", "0 leases"; `many` for irregular words ("1 person", "2 people")."""
    return f"{count} {one if count == 1 else (many if many is not None else one + 's')}"


def receipt_no(number: int | None) -> str:
    """A receipt number as printed on the receipt and named everywhere else: "000042"
    (money in without a receipt, a credit: "none")."""
    return "none" if number is None else f"{number:0{RECEIPT_DIGITS}d}"
