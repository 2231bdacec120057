"""Request and response bodies of the work orders service."""
