"""What people and scripts read: terminal renderers; typed export tables (``table.py``,
``export_tables.py``) and the export formats that write them (``exports.py``: the workbook, CSV and
JSON files, and the one check of where an export may write); JSON Schemas; safe terminal text and
formula-safe spreadsheet cells.
"""
