"""retailpulse.understand."""
