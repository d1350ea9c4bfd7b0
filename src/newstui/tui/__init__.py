"""Everything that uses Textual lives under this package."""

import os

# Textual paints at most 60 frames a second by default: a keystroke's echo takes one frame
# and its filtered list waits for a later one (up to ~33 ms at 60, ~17 at 120). Set before
# Textual is first imported (it reads this once); a TEXTUAL_FPS the user set is kept.
# Measured in tmux (/ filter at a million articles, 57 keystrokes): median 48-49 ms at 60,
# 36-41 ms at 120. (An empty TEXTUAL_FPS is Textual's default too: taken as unset.)
if not os.environ.get("TEXTUAL_FPS", "").strip():
    os.environ["TEXTUAL_FPS"] = "120"
