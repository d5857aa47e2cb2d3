"""Persistence: database, encrypted blob stores, key management and the audit chain."""
