"""Read side of the work orders service."""
