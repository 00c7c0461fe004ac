"""Turnover: move-ins, move-outs and the bed timeline."""
