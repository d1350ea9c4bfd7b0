"""The in-memory store and its indexes: articles numbered newest first, sets of them as bit
sets, word postings per field group, and scored result sets (tiers).

Imports only :mod:`newstui.model.corpus` (for the article record).
"""

from newstui.model.index.store import Facet, Store
from newstui.model.index.tiers import Rows, Tiers
from newstui.model.index.words import WordIndex, index_words, tokens

__all__ = ["Facet", "Rows", "Store", "Tiers", "WordIndex", "index_words", "tokens"]
