"""callwarden: self-hosted, ethical call recording."""

__version__ = "0.1.0"
