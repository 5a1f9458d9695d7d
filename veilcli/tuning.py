"""Tune the process's memory allocators and garbage collector for veilcli's work:
``tune_allocators``, ``tune_collector`` and ``spare_the_exit_collection``.

The command line calls the first two first thing (``veilcli.__main__.main``, ``cli.main``) and the
last when its command is done; the library never does by itself, because importing a library must
not reconfigure the process that imports it. A program that uses ``veilcli.api`` and wants the same
behaviour calls them itself (the first before it imports polars).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys

# Polars allocates with jemalloc, which keeps freed pages for about 10 s: an ingest's peak RSS then
# counts memory it has finished with (1M-row CSV: 1.62x polars' own read_csv peak, 1.41x with this;
# BENCHMARKS.md).
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"
# glibc's mallopt parameter for the arena cap (M_ARENA_MAX in <malloc.h>), and the cap.
_M_ARENA_MAX = -8
ARENAS = 2
# The cyclic collector's thresholds (Python's: 700, 10, 10): the youngest objects after 1,000 new
# ones, the middle ones after 1,000 of those (a million new objects), all after 10 of those.
COLLECTOR_THRESHOLDS = (1_000, 1_000, 10)


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


def tune_collector() -> None:
    """Let Python's cyclic garbage collector walk the long-lived objects rarely, from the command's
    start to its end.

    Importing polars, pydantic, typer and rich and building veilcli's models creates about 90,000
    objects that live as long as the process. With Python's default thresholds the collector walks
    them again and again in its middle and full collections: 125 young, 12 middle and one full
    collection, ~60 ms of a 0.75 s ``compare`` (BENCHMARKS.md). Now the young objects are still
    collected every 1,000 new ones (small collections are the cheap ones: one collection of 100,000
    young objects took 40 ms, a hundred of 1,000 took 12 ms), the middle generation after a million
    and all objects after ten million, so no command's start-up reaches either, and a long ingest
    still frees what reference counting cannot; veilcli's data lives in polars' buffers.
    """
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def spare_the_exit_collection() -> None:
    """Keep the collector from walking every object once more while the process exits.

    At exit Python collects all objects again, whatever the thresholds: ~0.1 s after a ``compare``
    of 1M rows, a sixth of the command (BENCHMARKS.md). ``gc.freeze`` sets the objects that exist
    aside, so exit only releases them; it still runs the ``atexit`` handlers and flushes standard
    output. Call it when the work is done: a frozen cycle is never collected (nor its finalisers
    run), and veilcli closes its files in ``with`` blocks, not in finalisers.
    """
    gc.freeze()
