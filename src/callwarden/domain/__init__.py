"""Pure types and rules of callwarden: no I/O, importable from every other layer."""
