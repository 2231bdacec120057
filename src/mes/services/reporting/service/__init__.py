"""Use cases of the reporting service: projecting events into read models, rebuilding, reporting."""
