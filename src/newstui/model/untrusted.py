"""Reading what cannot be trusted: YAML with bounds, files that must be regular and small.

Front matter and the config are YAML written by anyone. :func:`load_yaml` reads them with
libyaml's C loader when it is installed (safe, ~10x faster than the Python one), refuses a
document that is too large, nests too deeply or expands into too many nodes through
aliases (the "billion laughs"), and never fails on a value it cannot represent: an
impossible date (``2023-02-30``) or an integer of thousands of digits stays a string.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_NODES = 20_000  # after aliases are expanded: a real front matter has a few dozen
MAX_DEPTH = 64


class Refused(Exception):
    """YAML or a file that is not read, with a one-line reason; ``line`` is 1-based or 0."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


@functools.cache
def _loader() -> Any:
    """The safe loader (libyaml's when installed), with constructors that never raise on
    odd scalars. Made on first use: reading article files needs no YAML at all."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("LenientSafeLoader", (base,), {})
    for tag, name in (("tag:yaml.org,2002:timestamp", "construct_yaml_timestamp"),
                      ("tag:yaml.org,2002:int", "construct_yaml_int"),
                      ("tag:yaml.org,2002:float", "construct_yaml_float")):
        loader.add_constructor(tag, _lenient(getattr(yaml.SafeLoader, name)))
    return loader


def _lenient(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def build(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return str(node.value)  # "2023-02-30", 5,000 digits: kept as written

    return build


def compose_yaml(text: str, max_bytes: int, max_nodes: int = MAX_NODES,
                 max_depth: int = MAX_DEPTH) -> tuple[Any, yaml.Node | None]:
    """The value of the YAML document ``text`` and its node (for line numbers); None and
    None for an empty document. Raises :class:`Refused` for anything not read."""
    import yaml

    if len(text) > max_bytes:
        raise Refused(f"larger than {_size(max_bytes)}")
    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if not _plainly_bounded(text, max_nodes, max_depth):
            _check(node, max_nodes, max_depth)
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise Refused(f"not valid YAML: {problem}", mark.line + 1 if mark else 0) from None
    except RecursionError:  # the pure-Python loader nests by recursion
        raise Refused(f"nested more than {max_depth} levels deep") from None
    finally:
        loader.dispose()


def load_yaml(text: str, max_bytes: int) -> Any:
    """:func:`compose_yaml`'s value only."""
    return compose_yaml(text, max_bytes)[0]


# "- - - x" (or "? - x") nests on one line, with no indentation and no bracket.
_COMPACT = re.compile(r"[-?][ \t]+[-?](?:[ \t]|$)", re.MULTILINE)


def _plainly_bounded(text: str, max_nodes: int, max_depth: int) -> bool:
    """True when ``text`` cannot exceed the bounds, so the node walk can be skipped (it is
    most of the cost of a typical front matter): with no alias (``*``) nothing is
    expanded, so there are fewer nodes than characters; without deep indentation or many
    brackets, nothing nests ``max_depth`` deep."""
    if "*" in text or len(text) > max_nodes:
        return False
    if text.count("[") + text.count("{") >= max_depth // 2 or _COMPACT.search(text):
        return False
    return max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")),
               default=0) < max_depth // 2


def _check(root: yaml.Node, max_nodes: int, max_depth: int) -> None:
    """Refuse a document whose nodes, aliases expanded, are too many or too deep.

    An alias is the same node object met again: its size is counted each time (that is
    what expanding it would cost) but measured once.
    """
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            depths[key] = 1 + max((depths[id(c)] for c in children), default=0)
            if sizes[key] > max_nodes:
                raise Refused(f"more than {max_nodes:,} values (aliases expanded)",
                              node.start_mark.line + 1)
            if depths[key] > max_depth:
                raise Refused(f"nested more than {max_depth} levels deep",
                              node.start_mark.line + 1)
            continue
        if key in sizes:
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
        if len(stack) > max_nodes:  # a cycle through aliases, or simply too many
            raise Refused(f"more than {max_nodes:,} values", node.start_mark.line + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    kind = getattr(node, "id", "")  # the node kinds by name: yaml is imported lazily
    if kind == "sequence":
        return list(node.value)
    if kind == "mapping":
        return [part for pair in node.value for part in pair]
    return []


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; else
    :class:`Refused` (a FIFO, a device such as ``/dev/zero``, a huge file) or OSError
    (missing, unreadable). Never blocks on a FIFO."""
    return read_regular_stat(path, max_bytes)[0]


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def read_regular_stat(path: Path | str, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """:func:`read_regular`, and the file's stat as seen just before reading it."""
    return read_opened(open_to_read(path), max_bytes)


def open_to_read(path: Path | str) -> int:
    """A descriptor of ``path`` opened for :func:`read_opened` (OSError if it cannot be);
    never blocks on a FIFO."""
    return os.open(path, _OPEN_FLAGS)


def read_opened(fd: int, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """What :func:`read_regular_stat` gives, from a descriptor of :func:`open_to_read`
    (closed, whatever happens)."""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("not a regular file")
        if st.st_size > max_bytes:
            raise Refused(f"larger than {_size(max_bytes)}")
        # Asked for what fstat said, plus one: os.read allocates all it is asked for.
        parts = [os.read(fd, st.st_size + 1)]
        size = len(parts[0])
        while size > st.st_size and size <= max_bytes and (more := os.read(fd, 1 << 20)):
            parts.append(more)  # it grew since fstat
            size += len(more)
        if size > max_bytes:
            raise Refused(f"larger than {_size(max_bytes)}")
        return (parts[0] if len(parts) == 1 else b"".join(parts)), st
    finally:
        os.close(fd)


def _size(n: int) -> str:
    """``64 MB``, ``64 KB``: the size a limit is said in."""
    return f"{n // 1024**2} MB" if n >= 1024**2 and n % 1024**2 == 0 else f"{n // 1024} KB"


def move_aside(path: Path) -> Path:
    """Rename a damaged SQLite file (and its ``-wal`` and ``-shm`` files) to
    ``NAME.corrupt-YYYYmmdd-HHMMSS`` beside it, so that nothing of it is lost and a fresh one
    can take its place; the new name. Raises OSError if it cannot be renamed."""
    import time

    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{aside}{suffix}")
    return aside


def read_settings_file(path: Path, max_bytes: int) -> tuple[str | None, str | None]:
    """A small UTF-8 file of settings (config, subscriptions): ``(text, None)``; ``(None,
    None)`` when there is no such file (not a problem: defaults apply); ``(None, reason)``
    when it cannot be used, the reason one line starting ``path:``."""
    try:
        return read_regular(path, max_bytes).decode("utf-8"), None
    except FileNotFoundError:
        return None, None
    except Refused as exc:
        return None, f"{path}: not read: {exc.reason}"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}"
