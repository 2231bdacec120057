"""Infrastructure every service stands on; no business rules (docs/architecture.md §4)."""
