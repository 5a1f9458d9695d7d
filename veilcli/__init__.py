"""veilcli: safety-plan analytics for Dutch municipalities, from police spreadsheets to goals.

The Python API lives in ``veilcli.api``; the command line is ``veilcli`` (``python -m veilcli``).
"""

import os

__version__ = "0.1.0"

# Polars allocates with jemalloc, which keeps freed pages for about 10 s: an ingest's peak RSS then
# counts memory it has finished with (1M-row CSV: 1.62x polars' own read_csv peak, 1.41x with this;
# BENCHMARKS.md). jemalloc reads it when polars loads, so it is set here, before any polars import;
# a value in the environment wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0")

# The environment variable naming the store (kept here: the CLI must not import polars to read it).
STORE_ENV = "VEILCLI_STORE"
