"""The embedded Parquet store: atomic, locked, self-verifying writes and reads (``store``), the
atomic-write helper, ``ingest`` (validate files, then commit them all or nothing) and ``status``.
"""
