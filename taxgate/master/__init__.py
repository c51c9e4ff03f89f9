"""taxgate.master."""
