"""Request and response schemas of the reporting service."""
