"""Spreadsheets in and out: the member workbook and the organisation tree file."""
