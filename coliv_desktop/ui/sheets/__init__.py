"""Spreadsheets in: the import wizard (File ▸ Import Spreadsheet…), issue 15."""
