"""retailpulse.enrich."""
