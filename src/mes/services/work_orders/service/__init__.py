"""Use cases of the work orders service, one module per area."""
