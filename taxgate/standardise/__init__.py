"""taxgate.standardise."""
