"""Printed documents (ReportLab): receipts, lease agreements, statements, letters, reports.

Every document is built on `documents.base.Document`, which gives the operator's letterhead,
the bundled Unicode font, escaping of user text and the shared page template.
"""
