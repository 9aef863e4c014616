"""retailpulse.engage."""
