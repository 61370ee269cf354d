"""advisor: a rules-based expert system for peer involvement on CFO prison wings."""

__version__ = "0.1.0"
