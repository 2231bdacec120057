"""The integration service: eRP exchange (B2MML), machine connectivity (MQTT, OPC UA) and webhooks."""
