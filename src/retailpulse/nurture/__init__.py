"""retailpulse.nurture."""
