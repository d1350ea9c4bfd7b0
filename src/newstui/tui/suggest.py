"""Completion for ``tag:``, ``source:`` and ``section:`` in the filter bar."""

from __future__ import annotations

from textual.suggester import Suggester

from newstui.model.index.store import Facet, Store

FIELDS = ("tag:", "source:", "section:")


class FieldSuggester(Suggester):
    """Suggests the most used value that starts with what has been typed after a field."""

    def __init__(self, store: Store) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.facets: dict[str, Facet] = {"tag:": store.tags, "source:": store.sources,
                                         "section:": store.sections}
        # Casefolded once here: the bar asks on every keystroke, and a corpus may have 20k tags.
        self._ranked = {name: [(value.casefold(), value) for value, _ in facet.most_common()]
                        for name, facet in self.facets.items()}
        self._accepted: dict[str, str] = {}

    async def get_suggestion(self, value: str) -> str | None:
        """``value`` extended with the rest of the best value for its last field, or None.

        Input shows only what follows ``value``, so the suggestion keeps the typed text as
        it is; :meth:`accepted` gives the canonical, quoted form used when it is accepted.
        """
        start = max(value.rfind(f) for f in FIELDS)
        if start < 0 or (start > 0 and value[start - 1] not in ' -("'):
            return None
        field = next(f for f in FIELDS if value.startswith(f, start))
        rest = value[start + len(field):]
        quoted = rest.startswith('"')
        typed = rest.lstrip('"')
        if not typed or (" " in typed and not quoted) or typed.endswith('"'):
            return None
        folded = typed.casefold()
        for key, candidate in self._ranked[field]:
            if key.startswith(folded):
                tail = candidate[len(typed):]
                # The greyed rest follows the case of what was typed ("tag:north korea", not
                # "tag:north Korea"); accepting it puts the value's own spelling in the bar.
                if typed.islower():
                    tail = tail.lower()
                elif typed.isupper():
                    tail = tail.upper()
                shown = value + tail
                canonical = f'"{candidate}"' if " " in candidate else candidate
                self._accepted[shown] = value[: start + len(field)] + canonical
                return shown
        return None

    def accepted(self, suggestion: str) -> str:
        """What accepting ``suggestion`` should put in the bar."""
        return self._accepted.get(suggestion, suggestion)
