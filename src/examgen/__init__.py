"""examgen: prints interview papers (question sheet + answer key) from YAML question banks."""

import warnings

__version__ = "0.1.0"

# examgen brings its own fonts (@font-face), so a machine without system fonts is fine:
# WeasyPrint's warning about it would only be noise on every user's screen.
warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
