"""What the integration service talks to outside its database: MQTT brokers, OPC UA servers,
other MES services and ERP or webhook endpoints."""
