"""What people and scripts read: terminal renderers, export tables, the workbook, CSV/JSON files,
JSON Schemas, safe terminal text and formula-safe spreadsheet cells.
"""
