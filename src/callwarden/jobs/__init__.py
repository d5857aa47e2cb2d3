"""Work queue backends and workers; they carry work but do not know the use cases."""
