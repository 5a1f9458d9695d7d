"""veilcli: safety-plan analytics for Dutch municipalities, from police spreadsheets to goals.

The Python API lives in ``veilcli.api``; the command line is ``veilcli`` (``python -m veilcli``).
"""

__version__ = "0.1.0"
