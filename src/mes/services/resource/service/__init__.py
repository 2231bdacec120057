"""Use cases of the resource service, one module per area."""
