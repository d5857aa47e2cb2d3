"""Shipped data files (law tables, phrase libraries, presets) loaded as read-only data."""
