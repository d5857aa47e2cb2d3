"""HTTP edge: JSON API, server-rendered UI and authentication."""
