"""retailpulse.web."""
