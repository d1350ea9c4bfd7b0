"""What belongs to the user, not the corpus: reading state (SQLite) and the YAML config.

Apart from the rest of the model: it imports none of it.
"""

from newstui.model.user.config import Config, default_config_path, load_config, parse_config
from newstui.model.user.state import ReadingState, default_state_path

__all__ = ["Config", "ReadingState", "default_config_path", "default_state_path",
           "load_config", "parse_config"]
