"""Numbers from the store: normalisation (samenloop, internet), indicator counts and rates, goal
status and significance, and the comparison with the baseline (what a source covers is a rule of
``domain/coverage.py``). The results they return, with their views, are ``results/``: one module
per verb, importing nothing of the compute modules.
"""
