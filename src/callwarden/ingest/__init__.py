"""Recording sources: CLI paths, watched folders and their dialer naming conventions."""
