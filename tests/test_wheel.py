"""A non-editable install (a built wheel in a fresh venv) finds its seeds and styles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_install_lists_bundled_seeds(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = dist.glob("newstui-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # The dependencies (textual, rapidfuzz, ...) come from the test environment's
    # site-packages through PYTHONPATH, so no network is needed; newstui itself comes only
    # from the wheel (an editable install's .pth file is not read from PYTHONPATH).
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import newstui, newstui.resources as r; print(newstui.__file__);"
         "print(r.seeds_dir()); print(r.styles_dir())"],
        cwd=elsewhere, capture_output=True, text=True, check=True, timeout=60, env=env,
    ).stdout.splitlines()
    assert str(env_dir) in where[0], where
    assert where[1].startswith(str(env_dir)) and where[2].startswith(str(env_dir))
    assert (Path(where[2]) / "app.tcss").is_file()
    out = subprocess.run([str(env_dir / "bin" / "newstui"), "list", "--json"], cwd=elsewhere,
                         capture_output=True, text=True, check=True, timeout=120,
                         env=env).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) >= 290
    assert records[0]["title"] == "Kim in Russia amid warnings by US against arms sale deal"
