"""The traceability service: genealogy graph, as-built records, trace and recall queries."""
