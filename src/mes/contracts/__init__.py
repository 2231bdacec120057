"""Integration event contracts, one module per producing service (docs/architecture.md §3.4).

Importing this package registers every contract with the platform, so a consumer can decode any
topic it subscribes to.
"""

from mes.contracts import auth, integration, material, quality, resource, work_orders

__all__ = ["auth", "integration", "material", "quality", "resource", "work_orders"]
