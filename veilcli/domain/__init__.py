"""The words everything else uses: dataset models, periods, the police classification, plans,
normalisation rules, benchmark groups, geography and areas, what a source covers (coverage),
and the catalogue of notes.

Nothing here reads user files or the store; every layer above imports from here.
"""
