"""Audio decoding, validation and signal measurements; depends only on domain."""
