"""advisor: a rules-based expert system for peer involvement on CFO prison wings."""

from __future__ import annotations

__version__ = "0.1.0"
