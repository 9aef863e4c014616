"""retailpulse.mobilize."""
