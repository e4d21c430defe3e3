"""The package version (its own module, so that any stage can read it without importing the rest)."""

__version__ = "0.1.0"
