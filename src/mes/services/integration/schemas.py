"""Request and response schemas of the integration service."""
