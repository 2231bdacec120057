"""The material service: items, BOMs, lots, serials, locations, stock and movements."""
