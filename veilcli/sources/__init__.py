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

Importing this package caps glibc's malloc arenas first (``_limit_malloc_arenas``).
"""

import contextlib
import ctypes
import os
import sys


def _limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at two (unless ``MALLOC_ARENA_MAX`` is set in the environment).

    Each thread polars starts would otherwise reserve its own 64 MB arena: about 1 GB of address
    space for a small file, so under ``ulimit -v 1048576`` a small ingest failed to allocate
    (a Rust allocation failure aborts the process). Done before any reader imports polars; polars
    may already have been imported, then the cap still holds for the threads started later.
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (no mallopt): nothing to cap
        ctypes.CDLL(None).mallopt(-8, 2)  # -8 = M_ARENA_MAX (glibc <malloc.h>)


_limit_malloc_arenas()
