"""Infrastructure every service stands on; no business rules (DESIGN.md §4)."""
