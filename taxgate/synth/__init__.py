"""taxgate.synth."""
