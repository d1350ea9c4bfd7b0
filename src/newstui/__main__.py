"""Allow ``python -m newstui``."""

from newstui.cli import main

# The guard matters: the loader's worker processes re-import the main module.
if __name__ == "__main__":
    raise SystemExit(main())
