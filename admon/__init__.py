"""admon: advertising monitoring for market regulators."""

__version__ = "0.1.0"
