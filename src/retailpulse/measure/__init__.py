"""retailpulse.measure."""
