"""Tune the process's memory allocators for veilcli's work: ``tune_allocators``.

The command line calls it first thing (``cli.main``); the library never does by itself, because
importing a library must not reconfigure the process that imports it. A program that uses
``veilcli.api`` and wants the same memory behaviour calls it itself, before it imports polars.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

# Polars allocates with jemalloc, which keeps freed pages for about 10 s: an ingest's peak RSS then
# counts memory it has finished with (1M-row CSV: 1.62x polars' own read_csv peak, 1.41x with this;
# BENCHMARKS.md).
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"
# glibc's mallopt parameter for the arena cap (M_ARENA_MAX in <malloc.h>), and the cap.
_M_ARENA_MAX = -8
ARENAS = 2


def tune_allocators() -> None:
    """Make freed memory go back to the system soon and cap glibc's malloc arenas at two.

    - ``_RJEM_MALLOC_CONF`` (polars' jemalloc) hands freed pages back within 0.2 s. jemalloc reads
      it when polars loads, so this only takes effect when called before the first ``import
      polars``; a value already in the environment wins.
    - glibc's malloc arenas are capped at two (unless ``MALLOC_ARENA_MAX`` is set): each thread
      polars starts would otherwise reserve its own 64 MB arena, about 1 GB of address space for a
      small file, so under ``ulimit -v 1048576`` a small ingest failed to allocate (a Rust
      allocation failure aborts the process). This holds for threads started after the call, so
      it helps even after polars was imported.
    """
    os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC_CONF)
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (no mallopt): nothing to cap
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, ARENAS)
