"""veilcli: safety-plan analytics for Dutch municipalities, from police spreadsheets to goals.

The Python API lives in ``veilcli.api``; the command line is ``veilcli`` (``python -m veilcli``).
Importing the package changes nothing in the process: the allocator tuning the command line does
is ``veilcli.tuning.tune_allocators``, for API users who want it.
"""

__version__ = "0.1.0"

# The environment variable naming the store (kept here: the CLI must not import polars to read it).
STORE_ENV = "VEILCLI_STORE"
