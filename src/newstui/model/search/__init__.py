"""Searching a store: the query language and the engine that evaluates and ranks it.

Imports :mod:`newstui.model.index` (and through it the corpus); never the loader.
"""

from newstui.model.search.engine import Cancelled, Engine, Result, StateLookup, spans
from newstui.model.search.query import Query, QueryError, parse

__all__ = ["Cancelled", "Engine", "Query", "QueryError", "Result", "StateLookup", "parse",
           "spans"]
