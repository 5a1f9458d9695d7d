"""Ground-floor helpers for the files veilcli reads and writes; they import nothing of veilcli but
``errors``, so every layer (sources, store, report, the CLI) may use them.

- ``shipped``: where the data files veilcli ships (``schemas/``) are;
- ``atomic``: write a file so that readers see the old version or the new one, never half of one;
- ``spreadsheet_safety``: text that a spreadsheet opening our CSV or xlsx shows, never runs.
"""
