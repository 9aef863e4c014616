"""retailpulse.store."""
