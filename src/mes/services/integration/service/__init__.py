"""Use cases of the integration service: connectors, machine readings, ERP messages, webhooks."""
