"""The work-orders service: routings, work orders, operations, execution records and dispatch lists."""
