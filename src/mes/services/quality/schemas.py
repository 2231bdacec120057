"""Request and response schemas of the quality service."""
