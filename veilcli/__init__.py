"""veilcli: safety-plan analytics for Dutch municipalities, from police spreadsheets to goals.

The Python API lives in ``veilcli.api``; the command line is ``veilcli`` (``python -m veilcli``).
"""

__version__ = "0.1.0"

# The environment variable naming the store (kept here: the CLI must not import polars to read it).
STORE_ENV = "VEILCLI_STORE"
