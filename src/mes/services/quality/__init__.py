"""The quality service: inspection plans, results, SPC, non-conformances and CAPA."""
