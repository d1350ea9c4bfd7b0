"""Where the bundled seeds and styles live, for installed and source checkouts alike."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries the top-level folders inside the package (see pyproject's force-include);
    # an editable install or a source checkout still has them at the repository root.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "_data" / name


def seeds_dir() -> Path:
    """The bundled corpus folder."""
    return _find("seeds")


def styles_dir() -> Path:
    """The folder of Textual CSS files."""
    return _find("styles")
