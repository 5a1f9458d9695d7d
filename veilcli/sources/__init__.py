"""Read files and recognise them: readers (xlsx/csv/json/parquet into all-text frames, with the
resource limits), header matching, recognised real-world formats, value parsing and the
vectorised validation that turns a raw table into typed rows plus findings.
"""
