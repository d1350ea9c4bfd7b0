"""Caches that make reopening the same folders fast: parsed headers and the body word index.

Both use one sealed file format (:mod:`newstui.model.cache.sealed`) and are untrusted: a
missing, damaged or foreign file is ignored and rebuilt, never needed for correctness.
"""

from newstui.model.cache.bodies import BodyCache, body_key
from newstui.model.cache.headers import HeaderCache, cache_dir, cache_dir_problem

__all__ = ["BodyCache", "HeaderCache", "body_key", "cache_dir", "cache_dir_problem"]
