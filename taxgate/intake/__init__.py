"""taxgate.intake."""
