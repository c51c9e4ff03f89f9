"""taxgate.matching."""
