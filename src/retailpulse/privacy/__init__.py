"""retailpulse.privacy."""
