"""taxgate.disclosure."""
