"""retailpulse.listen.platforms."""
