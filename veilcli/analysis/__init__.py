"""Numbers from the store: normalisation (samenloop, internet), coverage of sources, indicator
counts and rates, goal status and significance, and the comparison with the baseline.
"""
