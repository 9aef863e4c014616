"""retailpulse.demo."""
