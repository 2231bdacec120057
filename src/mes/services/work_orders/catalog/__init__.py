"""Master data (products, routings) and the typed calls to other services they and the use cases need."""
