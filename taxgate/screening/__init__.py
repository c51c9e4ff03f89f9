"""taxgate.screening."""
