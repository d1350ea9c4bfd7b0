"""The model and the command line never import Textual; modules stay small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "newstui"


def test_model_and_cli_import_without_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, newstui.model, newstui.cli\n"
        "for m in pkgutil.iter_modules(newstui.model.__path__):\n"
        "    importlib.import_module('newstui.model.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(len(bad)); print(bad[:5])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout.splitlines()[0] == "0", proc.stdout


def test_no_textual_import_outside_tui() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tui" not in path.relative_to(SRC).parts
        and any(line.lstrip().startswith(("import textual", "from textual"))
                for line in path.read_text().splitlines())
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    too_big = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
               if (n := len(p.read_text().splitlines())) > 400}
    assert too_big == {}
