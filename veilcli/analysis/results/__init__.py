"""The result models of the analysis verbs, each with its views, one module per verb.

``CompareResult``, ``TrendResult``, ``LeagueResult`` and ``NormaliseResult`` keep their JSON form
(``model_dump`` / ``to_json``) and their long ``to_table`` (the ``--format csv`` table, one row per
indicator x period). A notebook wants two more things: a few lines that say what the result is
when it is echoed (a pydantic repr of a comparison runs to thousands of characters), and one row
per indicator with the figures side by side (``to_polars``). Both are built beside the model, from
the result's own fields: nothing is computed that the result does not hold.

The compute modules (``analysis/compare.py``, ``trend.py``, ``league.py``, ``corrections.py``)
import these models; the models import nothing of compute, so the two never import each other.
"""
