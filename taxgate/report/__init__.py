"""taxgate.report."""
