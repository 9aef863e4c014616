"""retailpulse.web.routes."""
