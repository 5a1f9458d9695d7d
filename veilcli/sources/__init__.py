"""Read files and recognise them, in this order (``store/ingest.py`` runs the steps):

1. **read** (``readers.read_tables``): a file into all-text tables, read completely or refused:
   ``files`` (regular files, size), ``encoding`` (the encoding rule, line ends), ``limits`` (resource
   limits, env-overridable), ``csv_reader``, ``json_reader``, ``parquet_reader``, ``excel_reader``
   with ``xlsx_safety`` (the zip container and each sheet checked before calamine), ``table``
   (``RawTable``, the header-row search), ``columns`` (headers, personal columns, column types),
   ``messages`` (a path or value in a message);
2. **recognise** (``formats``): which real-world format a table is, each format in its own module
   with its own options, and its canonical columns;
3. **validate** (``validate``, with ``parsing`` and ``checks``, the checks per column and per
   kind as data): the canonical table as typed rows plus findings.
"""
