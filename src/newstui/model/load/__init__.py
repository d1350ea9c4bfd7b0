"""Loading folders of articles: in chunks, in worker processes, through the caches.

Three passes: the list pass (what the headline list shows), the details pass (caption,
dateline, link, word count) and the body pass (body words). :mod:`newstui.model.library`
runs them (on a first launch bodies before details); nothing here knows about the UI.
"""

from newstui.model.load.merge import LoadResult
from newstui.model.load.passes import (
    index_bodies,
    index_bodies_cached,
    load_paths,
    load_small,
    read_details,
)

__all__ = ["LoadResult", "index_bodies", "index_bodies_cached", "load_paths", "load_small",
           "read_details"]
