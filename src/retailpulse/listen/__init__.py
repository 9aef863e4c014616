"""retailpulse.listen."""
