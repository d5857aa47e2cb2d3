"""Speech recognition engines and speaker assignment; depends only on domain."""
