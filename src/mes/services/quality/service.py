"""Use cases of the quality service."""
