"""Feeds: subscriptions, fetching, parsing and the article files fetched items become.

Plain Python (no Textual). Fetched items are written as Markdown article files with YAML
front matter into one folder per feed under the news folder, which the loader reads like any
other folder: nothing else of newstui needs to know where an article came from.
"""

from newstui.model.feeds.subscriptions import (
    Feed,
    Subscriptions,
    default_feeds_db,
    default_feeds_path,
    default_news_dir,
    load_subscriptions,
    save_subscriptions,
)

__all__ = ["Feed", "Subscriptions", "default_feeds_db", "default_feeds_path",
           "default_news_dir", "load_subscriptions", "save_subscriptions"]
