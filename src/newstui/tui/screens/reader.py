"""The reader: filter bar, headline list and article pane, and the routes between them.

The screen owns no data of its own beyond what it shows: the corpus is a
:class:`~newstui.model.library.Library`, loaded in a worker that posts typed messages
(:mod:`newstui.tui.messages`); searching and reading article files run in workers too, and
a result that is stale when it arrives (an older query, another store) is dropped. Widgets
never reach into each other: they post messages, and this screen routes them.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
from functools import partial

from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from newstui.model.corpus import Article, Unusable, clean_line, read_full
from newstui.model.feeds import default_news_dir
from newstui.model.feeds.refresh import refresh
from newstui.model.index import Store
from newstui.model.library import (
    Library,
    LoadEvent,
    Problem,
    Progress,
    Published,
    Snapshot,
    skipped_notice,
)
from newstui.model.search import Cancelled, Result, spans
from newstui.model.search.related import related
from newstui.model.user import Config, ReadingState
from newstui.output import plural
from newstui.resources import seeds_dir
from newstui.tui.bindings import bindings
from newstui.tui.commands import NewsCommands
from newstui.tui.links import LinkDialog, article_link, browser_route, clipboard_works, open_link
from newstui.tui.live import LiveFolders
from newstui.tui.messages import (
    ArticleRead,
    BrowserDone,
    ChangesApplied,
    FetchDone,
    FetchProgress,
    FoldersChanged,
    LoadProblem,
    LoadProgress,
    RelatedFound,
    SearchDone,
    StoreReady,
    SuggesterReady,
    TagsCounted,
    UnreadCounted,
)
from newstui.tui.screens.pickers import Confirm, Picker, Prompt
from newstui.tui.suggest import FieldSuggester
from newstui.tui.widgets.article_view import ArticleView
from newstui.tui.widgets.filter_bar import FilterBar, QueryInput
from newstui.tui.widgets.headline_list import HeadlineList

WIDE = 120
GONE_NOTE = "This article's file is gone (deleted or moved away): it is no longer listed."
SHORT = 30  # below this height (and narrower than WIDE) the list shows alone
LAYOUTS = ("side", "stacked", "single")
NARROW_COUNT = 100  # below this width a query's count leaves out the unread count
UNREAD_INLINE = 20_000  # a store this small has its unread counted at once (~5 ms)
FOLLOW_DELAY = 0.06  # seconds the list cursor rests before the article pane follows it
# The same while the filter is being typed in: the pane follows (and repaints its marks)
# once typing rests, not between two keystrokes, where repainting a whole article made the
# next keystroke's list wait (a whole pane, ~11 ms under cProfile at 100k: stop 33 in
# benchmarks/README.md).
FOLLOW_TYPING_DELAY = 0.3
RELATED_DELAY = 0.15  # seconds an article rests on screen before its related stories come
RELATED_TYPING_DELAY = 0.6  # the same while the filter is being typed in
PHASE_NAMES = {"checking": "checking files", "details": "reading details",
               "bodies": "indexing bodies", "changes": "reading changed files"}
# What comes after each stage (a first launch: bodies, then details; from the caches:
# details at once, then bodies).
STAGE_STATUS = {"listed": "indexing bodies…", "indexed": "reading details…",
                "detailed": "indexing bodies…", "complete": ""}


class ReaderScreen(Screen[None]):
    """The main screen: browse, filter and read the articles of one library."""

    BINDINGS = bindings("reader")
    COMMANDS = {NewsCommands}
    # The list, not the first focusable widget (the filter): a "/" or "j" typed while the
    # app starts must not land in the filter as text.
    AUTO_FOCUS = "#headlines"

    def __init__(self, library: Library, config: Config, state: ReadingState) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self.state = state
        self.view = library.snapshot  # what the widgets show; replaced only by show_snapshot
        self.layout_mode = config.layout
        self.sort = config.sort
        self.query_text = ""
        self.status = ""  # what loading is doing, for the count line
        self.checking = ""  # the check of a list from the caches, once it is searchable
        self.result: Result | None = None
        self._seq = 0  # the number of the latest query asked for
        self._keep = True
        self._follow: Timer | None = None
        self._unread: int | None = None
        self._state_version = 0  # one more with every change of reading state
        self._counting: tuple[Store, int] | None = None  # what a worker counts unread of
        self._suggested: Store | None = None  # the store the last suggester was built for
        self._undo: list[str] = []  # what the last mark-all-read marked
        self._over_list = False  # the article was opened over the list alone
        self.hide_read = False
        self.fetching = ""  # what fetching the feeds is doing, for the count line
        self._reloading = False  # the next new list replaces one the user is reading
        self.live = LiveFolders(self, library, self._report)
        self._held: str | None = None  # see _open_article_gone
        self._related_timer: Timer | None = None
        self._remark: Timer | None = None  # repaints the article's marks once typing rests

    # -- composition ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        """Filter bar on top, the two panes, key hints at the bottom."""
        yield FilterBar(id="filter")
        with Container(id="panes"):
            yield HeadlineList(id="headlines")
            yield ArticleView(id="article")
        yield Footer()

    @property
    def headlines(self) -> HeadlineList:
        """The headline list."""
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        """The article pane."""
        return self.query_one(ArticleView)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter bar."""
        return self.query_one(FilterBar)

    @property
    def store(self) -> Store:
        """The store on screen."""
        return self.view.store

    @property
    def loading_corpus(self) -> bool:
        """True until headers and body words are all in."""
        return self.view.stage != "complete"

    def on_mount(self) -> None:
        """Apply settings and start loading; the list has the focus from the start."""
        self.headlines.columns = self.config.columns
        self.article_view.reading_width = self.config.reading_width
        self.headlines.date_format = self.config.date_format
        self.headlines.is_read, self.headlines.is_starred = self.is_read, self.is_starred
        self._apply_layout()
        self.set_focus(self.headlines)
        self.filter_bar.set_count(0, 0, "loading…")
        if self.view.listed:  # loaded before the first frame
            self._suggested = self.view.store
            self.show_snapshot(self.view, FieldSuggester(self.view.store))
        self._load()
        self._schedule_fetch()
        self._follow_folders(list(self.library.paths))

    def on_unmount(self) -> None:
        """Stop following the folders (the watcher ends within ~0.1 s)."""
        self.live.stop()

    # -- following the folders -------------------------------------------------------------
    def _follow_folders(self, paths: list[str]) -> None:
        """Follow ``paths`` from now on, if the config says so (see :mod:`newstui.tui.live`)."""
        self.live.stop()
        if self.config.follow_folders:
            self.live.follow(paths)

    @on(FoldersChanged)
    def _folders_changed(self, message: FoldersChanged) -> None:
        """Files came, changed or went: only they are read, and the cursor and the open
        article stay where they are."""
        self._reloading = True
        self.live.changed(message.paths)

    @on(ChangesApplied)
    def _changes_applied(self) -> None:
        self.live.applied()

    def on_resize(self, event: events.Resize) -> None:
        """Side by side when wide, stacked when tall enough, else the list alone (in the
        auto layout)."""
        self._apply_layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> str:
        if self.layout_mode != "auto":
            return self.layout_mode
        if width >= WIDE:
            return "side"
        return "single" if height < SHORT else "stacked"

    def _apply_layout(self, width: int | None = None, height: int | None = None) -> None:
        panes = self.query_one("#panes")
        layout = self._layout(self.size.width if width is None else width,
                              self.size.height if height is None else height)
        for name in LAYOUTS:
            panes.set_class(layout == name, name)
        self.headlines.styles.width = f"{self.config.list_width}%" if layout == "side" else "100%"
        self.headlines.styles.height = (f"{self.config.list_height}%" if layout == "stacked"
                                        else "100%")
        if layout != "single" and self._over_list:
            # The article was opened over the list alone; there is room for both now.
            self._over_list = False
            self.remove_class("full-article")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so; the screen and what it shows stay as they were."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name or 'a task'} failed: {type(error).__name__}: "
                        f"{clean_line(str(error))[:300]}", severity="error", timeout=15)

    # -- loading -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        worker = get_current_worker()
        self.library.load(self._report, lambda: worker.is_cancelled, warm=True)

    def _report(self, event: LoadEvent) -> None:
        """Pass a load event on as a message (in the load worker: never waits for the UI)."""
        if isinstance(event, Progress):
            self.post_message(LoadProgress(event))
        elif isinstance(event, Published):
            snapshot = event.snapshot
            self.post_message(StoreReady(snapshot))
            if snapshot.listed and snapshot.store is not self._suggested:
                self._suggested = snapshot.store
                self.post_message(SuggesterReady(snapshot, FieldSuggester(snapshot.store)))
        elif isinstance(event, Problem):
            self.post_message(LoadProblem(event.text, event.title))

    @on(LoadProgress)
    def _progress(self, message: LoadProgress) -> None:
        progress = message.progress
        if progress.phase == "list":
            self.status = f"loading… {progress.done:,} files read"
        elif progress.phase == "checking":
            # A list from the caches is checked once it is searchable: said apart from
            # the passes (done: it stood the check, or the folders are read again).
            done = progress.done >= progress.total
            self.checking = "" if done else f"{PHASE_NAMES['checking']} {progress.percent}%"
        else:
            self.status = f"{PHASE_NAMES[progress.phase]} {progress.percent}%"
        self._update_count()

    @on(StoreReady)
    def _store_ready(self, message: StoreReady) -> None:
        self.show_snapshot(message.snapshot)

    @on(SuggesterReady)
    def _suggester_ready(self, message: SuggesterReady) -> None:
        if message.snapshot.store is self.view.store:
            self.filter_bar.input.suggester = message.suggester

    @on(LoadProblem)
    def _load_problem(self, message: LoadProblem) -> None:
        self.notify(message.text, title=message.title, severity="warning", timeout=8)

    def show_snapshot(self, snapshot: Snapshot, suggester: FieldSuggester | None = None) -> None:
        """Show ``snapshot``: a partial list, every header, details or bodies."""
        new_store = snapshot.store is not self.headlines.store  # not listed yet
        first_full = snapshot.listed and (new_store or not self.view.listed)
        if snapshot.listed and snapshot.stage != self.view.stage:
            # What a pass loaded lives until a later one replaces it: kept from the
            # cyclic collector, which would walk it again and again (100+ ms pauses at
            # 100k articles, seconds at a million). Not collected first: that full
            # collection was such a pause (what it would free is the little cyclic
            # garbage of the seconds before; live changes, stage "complete" again, make
            # no freeze).
            gc.freeze()
        self.view = snapshot
        if new_store:
            self._unread = None
        self.status = STAGE_STATUS[snapshot.stage] if snapshot.listed else self.status
        if suggester is not None:
            self.filter_bar.input.suggester = suggester
        if first_full and (shown := self.article_view.article) is not None:
            self._find_related_soon(shown)
        if first_full and (skipped := self.library.report.skipped):
            self.notify(skipped_notice(len(skipped)), severity="warning", timeout=6)
        if new_store or self.query_text.strip():
            # A cursor the user moved stays on its article; one still on the first row
            # stays there, on the newest article, as newer ones load (but after a fetch,
            # the article being read keeps the cursor).
            self._run_query(keep=self.headlines.cursor > 0 or self._reloading)
            if snapshot.listed:
                self._reloading = False
        else:
            self._update_count()

    # -- filtering -----------------------------------------------------------------------------
    @on(FilterBar.Changed)
    def _query_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.text
        # Clearing the filter keeps the article you were on (cheap: a plain list then).
        self._run_query(keep=not event.text.strip())

    def _run_query(self, keep: bool = True) -> None:
        """Filter again; ``keep`` holds the cursor on its article (a new query starts at the
        best match instead, and finding the old article in 100k rows is not free)."""
        self._keep = keep
        self._seq += 1
        text = self.query_text.strip()
        if self.hide_read:  # the same query, of the unread articles only
            text = f"({text}) is:unread" if text else "is:unread"
        if not text:
            # No query: the date order is already known, no worker needed.
            self._apply(self._seq, self.view, self.view.engine.search(""))
        else:
            self._search(self._seq, self.view, text, self.sort)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, seq: int, snapshot: Snapshot, text: str, sort: str) -> None:
        worker = get_current_worker()
        try:
            result = snapshot.engine.search(text, sort, cancelled=lambda: worker.is_cancelled)
        except Cancelled:
            return
        if not worker.is_cancelled:
            self.post_message(SearchDone(seq, snapshot, result))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        self._apply(message.seq, message.snapshot, message.result)

    def _apply(self, seq: int, snapshot: Snapshot, result: Result) -> None:
        if seq != self._seq or snapshot is not self.view:
            return  # a newer query or store has been asked for since
        bar = self.filter_bar
        if result.error is not None:
            # Keep the last good result on screen; say what is wrong.
            bar.set_message(f"⚠ {result.error}")
            return
        bar.set_message("")
        self.result = result
        current = self.headlines.current if self._keep else None
        store = snapshot.store
        if len(store) == 0:
            empty = "Loading…" if not snapshot.listed else self._why_empty()
        else:
            empty = f"Nothing matches “{clean_line(self.query_text)}”, Esc to clear"
        marker = partial(spans, words=result.words, phrases=result.phrases)
        gone = self._open_article_gone(snapshot)
        self.headlines.set_rows(store, result.doc_ids, marker if self.query_text else None,
                                keep=current.id if current else None, empty_message=empty)
        top, shown = self.headlines.current, self.article_view.article
        if gone and top is not None:
            self._held = top.id  # the cursor moved off the gone article: the pane stays
        # The list goes to the screen at once; the article pane's new marks once typing
        # rests (as the pane follows the cursor): repainting a whole article in each
        # keystroke's frame doubled its cost. When the cursor is on another article, that
        # one soon replaces the pane with these marks, and the old one is not repainted.
        self.article_view.set_marks(result.words, result.phrases, repaint=False)
        if self._remark is not None:
            self._remark.stop()
            self._remark = None
        if top is not None and shown is not None and top.id == shown.id:
            self._remark = self.set_timer(self._follow_delay(), self._repaint_marks)
        self._update_count()

    def _repaint_marks(self) -> None:
        self._remark = None
        with contextlib.suppress(NoMatches):  # the app is closing
            self.article_view.refresh()

    def _open_article_gone(self, snapshot: Snapshot) -> bool:
        """If the article being read is no longer in ``snapshot`` (its file was deleted or
        moved away), say so in the pane, which keeps showing it; if its file changed, show
        it anew. True when it is gone."""
        view = self.article_view
        shown = view.article
        # Files vanish only after loading (live changes, reloads: all complete snapshots);
        # checking the lists published while loading would build their id maps here.
        if shown is None or view.parsed is None or snapshot.stage != "complete":
            return False
        doc = snapshot.store.doc_of.get(shown.id)
        if doc is None:
            if view.note != GONE_NOTE:
                view.show(shown, view.parsed, GONE_NOTE)
            return True
        now = snapshot.store.articles[doc]
        if (now.digest, now.title, now.path) != (shown.digest, shown.title, shown.path):
            self._read(now)
        return False

    def _why_empty(self) -> str:
        """What to say when no article loaded: which path is missing, or where none is."""
        missing = [p for p in self.library.paths if not os.path.lexists(os.path.expanduser(p))]
        if missing:
            return f"{clean_line(missing[0])}: no such file or folder"
        where = ", ".join(clean_line(p) for p in self.library.paths)
        return f"No articles in {where} (.txt, .md and .markdown files are read)"

    def _update_count(self) -> None:
        notes = [self.status or "loading…"] if self.loading_corpus else []
        if self.checking:
            notes.insert(0, self.checking)
        if self.fetching:
            notes.insert(0, self.fetching)
        querying = bool(self.query_text.strip())
        if not querying or self.size.width >= NARROW_COUNT:
            # Narrow and filtering: the query needs the room more than the unread count.
            unread = self.unread_count()
            notes.append("… unread" if unread is None else f"{unread:,} unread")
        if querying:
            notes.append(f"by {self.sort}")
            if self.result is not None:
                notes = [*self.result.notes, *notes]  # "tag:austrlia → Australia" first
        if self.hide_read:
            notes.append("unread only")
        self.filter_bar.set_count(len(self.headlines.rows), len(self.view.store),
                                  " · ".join(notes))

    # -- the article pane ----------------------------------------------------------------------
    @on(HeadlineList.Highlighted)
    def _highlighted(self, event: HeadlineList.Highlighted) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        article = event.article
        if self._held is not None:
            held, self._held = self._held, None
            if article is not None and article.id == held and self.focused is self.article_view:
                return  # the list moved under a gone article being read: it stays in view
        if article is None:
            self.article_view.show(None, None, "No article selected.")
        elif self.article_view.article is None or article.id != self.article_view.article.id:
            if self.focused is self.article_view or self.article_view.article is None:
                self._read(article)  # reading (J/K) or the first article: at once
            else:
                # While the cursor runs down the list, the article follows once it rests,
                # so each step repaints two rows, not a whole article.
                self._follow = self.set_timer(self._follow_delay(), self._follow_cursor)

    def _follow_delay(self) -> float:
        """How long the article pane waits for the cursor (or the query) to rest."""
        return FOLLOW_TYPING_DELAY if self.focused is self.filter_bar.input else FOLLOW_DELAY

    def _follow_cursor(self) -> None:
        """Show the article under the cursor if the pane shows another one."""
        self._follow = None
        try:
            article, shown = self.headlines.current, self.article_view.article
        except NoMatches:
            return  # the app is closing
        if article is not None and (shown is None or shown.id != article.id):
            self._read(article)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _read(self, article: Article) -> None:
        try:
            parsed = read_full(article)
            # The details may not be read yet: here they are.
            message = ArticleRead(article.with_details(parsed.article.details()), parsed, "")
        except Unusable as exc:
            message = ArticleRead(article, None, f"Cannot read {clean_line(article.path)}: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def _find_related_soon(self, article: Article) -> None:
        """Find the article's related stories once it has rested on screen a moment: the
        ~20 ms of work (at 100k) would otherwise compete with painting it, and with the
        next article when the reader steps on at once."""
        if self._related_timer is not None:
            self._related_timer.stop()
        if not self.view.listed:
            # A partial list's store would build its own title and tag indexes for this
            # (~15 s of GIL at 800k articles, against the loading it slows): the related
            # stories come with the whole list instead (show_snapshot).
            return
        # While a query is typed the pane shows each new top article in turn: their
        # related stories (~0.1 s of GIL at a million articles) would slow the next
        # keystroke's search, so they wait for a longer rest.
        delay = RELATED_TYPING_DELAY if self.focused is self.filter_bar.input else RELATED_DELAY
        self._related_timer = self.set_timer(delay, partial(
            self._find_related, self.view.store, article.id))

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, store: Store, article_id: str) -> None:
        doc = store.doc_of.get(article_id)
        if doc is None:
            return
        found = tuple(store.articles[d] for d in related(store, doc))
        if found and not get_current_worker().is_cancelled:
            self.post_message(RelatedFound(article_id, found))

    @on(ArticleRead)
    def _article_read(self, message: ArticleRead) -> None:
        current = self.headlines.current
        if current is not None and current.id == message.article.id:
            self.article_view.show(message.article, message.parsed, message.note)
            self._find_related_soon(message.article)
            if self.config.mark_read == "select" or self.focused is self.article_view:
                self.mark_read(message.article)

    @on(RelatedFound)
    def _related_found(self, message: RelatedFound) -> None:
        view = self.article_view
        if view.article is not None and view.article.id == message.article_id:
            view.set_related(message.related)

    @on(HeadlineList.Opened)
    def _opened(self, event: HeadlineList.Opened) -> None:
        if self._follow is not None:
            self._follow.stop()
        self._follow_cursor()  # Enter never waits for the follow delay
        if self.query_one("#panes").has_class("single") and not self.has_class("full-article"):
            self._over_list = True  # the list alone: the article opens over it
            self.add_class("full-article")
        self.set_focus(self.article_view)
        self.mark_read(event.article)

    @on(ArticleView.Step)
    def _step(self, event: ArticleView.Step) -> None:
        self.headlines.action_cursor(event.direction)

    @on(QueryInput.Leave)
    def _leave_filter(self) -> None:
        self.set_focus(self.headlines)

    # -- moving around -------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        """Put the cursor in the filter bar (in the filter itself, type the key's text)."""
        if isinstance(self.focused, Input):
            self.focused.insert_text_at_cursor("/")  # in any input, "/" is just text
        else:
            self.set_focus(self.filter_bar.input)

    def action_clear_filter(self) -> None:
        """Empty the query."""
        self.filter_bar.input.value = ""

    def action_step_back(self) -> None:
        """Esc: leave full screen, then the article, then clear the filter."""
        if self.has_class("full-article"):
            self.remove_class("full-article")
            if self._over_list or self.query_one("#panes").has_class("single"):
                self._over_list = False
                self.set_focus(self.headlines)  # the article is hidden again
        elif self.focused is self.article_view:
            self.set_focus(self.headlines)
        elif self.filter_bar.input.value:
            self.action_clear_filter()

    def action_toggle_full(self) -> None:
        """Give the article the whole screen, or give the list back."""
        full = not self.has_class("full-article")
        self.set_class(full, "full-article")
        self.set_focus(self.article_view if full else self.headlines)

    def action_toggle_layout(self) -> None:
        """Side by side, then stacked, then the list alone, then side by side again."""
        panes = self.query_one("#panes")
        now = next((name for name in LAYOUTS if panes.has_class(name)), "side")
        self.layout_mode = LAYOUTS[(LAYOUTS.index(now) + 1) % len(LAYOUTS)]
        self._apply_layout()
        if self.layout_mode == "single" and self.focused is self.article_view:
            self.set_focus(self.headlines)

    def action_toggle_read_shown(self) -> None:
        """Hide the read articles, or show them again (the query stays as it is)."""
        self.hide_read = not self.hide_read
        self.notify("Read articles hidden" if self.hide_read else "Read articles shown",
                    timeout=2)
        self._run_query()

    def action_toggle_sort(self) -> None:
        """Relevance or date order for an active query."""
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.notify(f"Sorted by {self.sort}", timeout=2)
        self._run_query()

    def action_cycle(self, direction: int) -> None:
        """Tab / Shift+Tab: filter -> list -> article (in full screen: the article only)."""
        order: list[Widget] = [self.filter_bar.input, self.headlines, self.article_view]
        if self.has_class("full-article"):
            order = [self.filter_bar.input, self.article_view]
        index = order.index(self.focused) if self.focused in order else 0
        self.set_focus(order[(index + direction) % len(order)])

    def open_article(self, article_id: str) -> None:
        """Select ``article_id`` in the list (clearing a filter that hides it) and read it."""
        if (doc := self.view.store.doc_of.get(article_id)) is None:
            return
        if doc not in self.headlines.rows:
            self.filter_bar.input.value = ""
            self.query_text = ""
            self._run_query()  # an empty query is applied at once, no worker
        rows = self.headlines.rows
        if doc in rows:
            self.headlines.move_to(rows.index(doc))
            self.set_focus(self.article_view)

    # -- links and related stories ---------------------------------------------------------
    def _link(self) -> str | None:
        view = self.article_view
        url = article_link(view.article, view.parsed)
        if url is None:
            self.notify("No article open" if view.article is None
                        else "This article has no web link", timeout=3)
        return url

    def action_open_link(self) -> None:
        """Open the article's link in the browser (or show it, where there is none)."""
        url = self._link()
        if url is None:
            return
        route = browser_route()
        if route == "graphical":
            self._open_in_background(url)
            return
        opened = False
        if route == "terminal":
            try:
                with self.app.suspend():  # a browser in this terminal needs it to itself
                    opened = open_link(url)
            except SuspendNotSupported:
                opened = False
        if not opened:
            self.app.push_screen(LinkDialog(url, "No browser can open it here (no graphical "
                                            "display, no $BROWSER): the link is"))

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_background(self, url: str) -> None:
        self.post_message(BrowserDone(url, open_link(url)))

    @on(BrowserDone)
    def _browser_done(self, message: BrowserDone) -> None:
        if message.opened:
            self.notify(f"Opened in the browser: {message.url}", timeout=3)
        else:
            self.app.push_screen(LinkDialog(message.url, "The browser did not open it:"))

    def action_copy_link(self) -> None:
        """Copy the article's link to the clipboard (OSC 52), or show it to copy by hand."""
        url = self._link()
        if url is None:
            return
        if clipboard_works():
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied (if the terminal allows OSC 52): {url}", timeout=4)
        else:
            self.app.push_screen(LinkDialog(url, "This terminal takes no clipboard copies "
                                            "(OSC 52): the link is"))

    def action_related(self) -> None:
        """Pick one of the open article's related stories to read."""
        view = self.article_view
        if view.article is None:
            self.notify("No article open", timeout=3)
            return
        items = [(related_label(a), a.id) for a in view.related]
        self.app.push_screen(Picker("Related stories (Enter opens, Esc closes)", items,
                                    empty="No related stories for this article"),
                             lambda chosen: self.open_article(chosen) if chosen else None)

    # -- feeds -------------------------------------------------------------------------------
    def _schedule_fetch(self) -> None:
        """With ``fetch_every`` set, refetch the feeds that are due, with a little jitter
        (so that many readers never ask a server at the same moment)."""
        every = self.config.fetch_seconds
        if every:
            self.set_timer(every * random.uniform(0.9, 1.1), self._fetch_in_background)

    def _fetch_in_background(self) -> None:
        if not self.fetching:
            self.fetching = "fetching feeds…"
            self._fetch(background=True)
        self._schedule_fetch()

    def action_fetch_feeds(self) -> None:
        """Fetch every feed in a worker: new articles appear without a restart."""
        if self.fetching:
            self.notify("Already fetching the feeds", timeout=3)
            return
        self.fetching = "fetching feeds…"
        self._update_count()
        self._fetch(background=False)

    @work(thread=True, group="fetch", exit_on_error=False)
    def _fetch(self, background: bool) -> None:
        worker = get_current_worker()

        def progress(_: object, done: int, total: int) -> None:
            self.post_message(FetchProgress(done, total))

        report = refresh(every=self.config.fetch_seconds if background else None,
                         progress=progress, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(FetchDone(report, background))

    @on(FetchProgress)
    def _fetch_progress(self, message: FetchProgress) -> None:
        self.fetching = f"fetching feeds {message.done}/{message.total}"
        self._update_count()

    @on(FetchDone)
    def _fetch_done(self, message: FetchDone) -> None:
        report = message.report
        self.fetching = ""
        self._update_count()
        for problem in report.problems:
            self.notify(problem, title="feeds", severity="warning", timeout=10)
        if not report.subscribed:
            if not message.background:
                self.notify("No feeds yet: 'newstui feeds add URL' subscribes to one",
                            timeout=6)
            return
        failed = report.failed
        if failed:
            shown = "; ".join(f"{r.feed}: {r.error}" for r in failed[:3])
            more = f" (and {len(failed) - 3:,} more)" if len(failed) > 3 else ""
            self.notify(f"{shown}{more}", title=plural(len(failed), "feed") + " failed",
                        severity="warning", timeout=10)
        if not message.background or report.new:
            self.notify(report.summary(), timeout=5)
        if report.new or report.updated:
            self._reload_with_news()

    def _reload_with_news(self) -> None:
        """Read the folders again, the news folder among them, keeping the reader's place."""
        news = os.path.normpath(default_news_dir())
        paths = [os.path.normpath(os.path.expanduser(p)) for p in self.library.paths]
        if news not in paths:
            # Opened on the bundled seeds only because there was nothing else to open.
            seeds = os.path.normpath(seeds_dir())
            paths = [news, *self.config.paths] if paths == [seeds] else [news, *paths]
        if paths == self.library.paths and self.config.follow_folders:
            return  # the folders are followed: the new files come in as any change does
        self._reloading = True
        if paths != self.library.paths:
            self._follow_folders(paths)
        self._reload(paths)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _reload(self, paths: list[str]) -> None:
        worker = get_current_worker()
        self.library.reload(self._report, lambda: worker.is_cancelled, paths=paths, warm=True)

    def apply_query(self, query: str | None) -> None:
        """Put ``query`` in the filter bar (it runs at once) and go to the list."""
        if query is not None:
            self.filter_bar.input.value = query
            self.set_focus(self.headlines)

    def filter_by_tag(self, tag: str) -> None:
        """Replace the query with ``tag:"…"``."""
        self.apply_query(f'tag:"{tag}"')

    # -- reading state -------------------------------------------------------------------------
    def is_read(self, article: Article) -> bool:
        """Has the user read ``article``?"""
        return article.digest in self.state.read

    def is_starred(self, article: Article) -> bool:
        """Has the user starred ``article``?"""
        return article.digest in self.state.starred

    def mark_read(self, article: Article | None) -> None:
        """Mark ``article`` read (when the setting allows) and repaint its row only."""
        if article is None or self.config.mark_read == "never" or self.is_read(article):
            return
        self.state.set_read([article.digest])
        self._state_version += 1
        if self._unread is not None:
            self._unread -= 1
        self.headlines.refresh_article(article)
        self.report_state()
        self._update_count()

    def _state_changed(self, article: Article | None = None) -> None:
        """Repaint what a state change touched: one row, or (``None``) the whole list."""
        self._unread = None
        self._state_version += 1
        if article is None:
            self.headlines.clear_cache()
        else:
            self.headlines.refresh_article(article)
        self.report_state()
        self._update_count()

    def report_state(self) -> None:
        """Tell the user of reading-state problems (each once)."""
        while self.state.problems:
            self.notify(self.state.problems.pop(0), severity="warning", timeout=8)

    def unread_count(self) -> int | None:
        """Unread articles in the store; counted again only after a state or store change.
        None while a large store's are counted in a worker (a pass over every article:
        ~1.5 s at a million, which the event loop must not wait for)."""
        store = self.view.store
        if self._unread is None and len(store) <= UNREAD_INLINE:
            self._unread = unread_in(store, self.state.keys("read"))
        elif self._unread is None and self._counting != (store, self._state_version):
            self._counting = (store, self._state_version)
            self._count_unread(store, self._state_version)
        return self._unread

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def _count_unread(self, store: Store, version: int) -> None:
        unread = unread_in(store, self.state.keys("read"))
        if not get_current_worker().is_cancelled:
            self.post_message(UnreadCounted(store, version, unread))

    @on(UnreadCounted)
    def _unread_counted(self, message: UnreadCounted) -> None:
        # A count for another store, or from before a mark changed: counted again.
        if (self._unread is None and message.store is self.view.store
                and message.version == self._state_version):
            self._unread = message.unread
        if self._counting == (message.store, message.version):
            self._counting = None
        self._update_count()

    def action_toggle_read(self) -> None:
        """Flip the read mark of the selected article."""
        if (article := self.headlines.current) is not None:
            now = self.state.toggle_read(article.digest)
            self.notify("Marked read" if now else "Marked unread", timeout=1.5)
            self._state_changed(article)

    def action_toggle_star(self) -> None:
        """Star or unstar the selected article."""
        if (article := self.headlines.current) is not None:
            now = self.state.toggle_star(article.digest)
            self.notify("Starred" if now else "Star removed", timeout=1.5)
            self._state_changed(article)

    def action_mark_all_read(self) -> None:
        """Mark every article in the list as read, once the user says yes."""
        articles, read = self.view.store.articles, self.state.read
        unread = [articles[d].digest for d in self.headlines.rows
                  if articles[d].digest not in read]
        if not unread:
            self.notify("Every article listed is read already", timeout=2)
            return

        def mark(yes: bool | None) -> None:
            if yes:
                self.state.set_read(unread)
                self._undo = unread
                self.notify(f"Marked {plural(len(unread), 'article')} read: U undoes it",
                            timeout=5)
                self._state_changed()

        self.app.push_screen(Confirm(f"Mark {plural(len(unread), 'unread article')} "
                                     "listed as read?"), mark)

    def action_undo_all_read(self) -> None:
        """Make the articles the last mark-all-read marked unread again."""
        if not self._undo:
            self.notify("Nothing to undo", timeout=2)
            return
        self.state.set_read(self._undo, read=False)
        self.notify(f"{plural(len(self._undo), 'article')} unread again", timeout=3)
        self._undo = []
        self._state_changed()

    def action_next_unread(self) -> None:
        """Move to the next unread article in the list (wrapping around)."""
        rows, articles, read = self.headlines.rows, self.view.store.articles, self.state.read
        start = self.headlines.cursor
        for step in range(1, len(rows) + 1):
            index = (start + step) % len(rows)
            if articles[rows[index]].digest not in read:
                self.headlines.move_to(index)
                return
        self.notify("No unread articles here", timeout=2)

    def action_save_search(self) -> None:
        """Save the current query under a name."""
        query = self.query_text.strip()
        if not query:
            self.notify("Type a query first, then save it", timeout=3)
            return

        def save(name: str | None) -> None:
            if name:
                self.state.save_search(name, query)
                self.report_state()
                self.notify(f"Saved search “{name}”", timeout=2)

        self.app.push_screen(Prompt(f"Save “{query}” as:"), save)

    def delete_saved(self, name: str) -> None:
        """Forget the saved search ``name``."""
        self.state.delete_search(name)
        self.report_state()
        self.notify(f"Deleted saved search “{name}”", timeout=2)

    def action_pick_saved(self) -> None:
        """Choose a saved search to apply."""
        items = [(f"{name}  —  {query}", query) for name, query in self.state.saved.items()]
        self.app.push_screen(Picker("Saved searches (Enter applies, Esc closes)", items,
                                    empty="No saved searches yet: Ctrl+S saves the current "
                                    "query"), self.apply_query)

    def action_pick_tag(self) -> None:
        """Choose a tag (with its unread and total counts, most used first) to filter by;
        counted in a worker (100k articles' tags are not counted between two keys)."""
        self._count_tags(self.view.store)

    @work(thread=True, exclusive=True, group="tags", exit_on_error=False)
    def _count_tags(self, store: Store) -> None:
        read = self.state.keys("read")
        unread = [a.digest not in read for a in store.articles]
        self.post_message(TagsCounted(store.tags.counted(unread)))

    @on(TagsCounted)
    def _tags_counted(self, message: TagsCounted) -> None:
        items = [(f"{tag}  ({unread:,} unread of {total:,})", tag)
                 for tag, total, unread in message.counts]
        self.app.push_screen(Picker("Tags (Enter filters by the tag, Esc closes)", items,
                                    empty="No tags in this corpus",
                                    names=[tag for _, tag in items]),
                             lambda tag: self.filter_by_tag(tag) if tag else None)


def unread_in(store: Store, read: frozenset[str] | set[str]) -> int:
    """How many of the articles of ``store`` are not ``read`` (by content digest)."""
    articles = store.articles
    return len(articles) - sum(1 for a in articles if a.digest in read)


def related_label(article: Article) -> str:
    """How a related story is listed: title, date, source."""
    when = article.iso_date or "undated"
    return " · ".join(x for x in (article.title, when, article.source) if x)
