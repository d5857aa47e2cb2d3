"""Analyses over transcripts and audio features; depends only on domain."""
