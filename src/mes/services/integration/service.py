"""Use cases of the integration service."""
