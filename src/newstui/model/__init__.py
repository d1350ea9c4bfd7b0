"""The model: everything newstui knows about articles, in plain Python. Never imports Textual.

Layers, lowest first; a package imports only from the layers below it (a test enforces it)::

    corpus   one file: read, decode, sanitise, parse (the Article record lives here)
    index    the store: articles numbered newest first, bit sets, word indexes, tiers
    search   the query language and the engine that ranks results
    cache    header and body-index caches in one sealed file format
    load     the load passes, in chunks and worker processes
    library  the loaded corpus: owns store and engine, runs the passes, reports progress

``user`` (reading state, config) stands apart and imports none of them.
"""
