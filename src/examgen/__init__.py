"""examgen: prints interview papers (question sheet + answer key) from YAML question banks."""

__version__ = "0.1.0"
