"""taxgate.ledger."""
