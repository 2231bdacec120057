"""HTTP routes of the work orders service: parse, call a use case, return a schema."""

from mes.services.work_orders.routes import execution, master, orders, planning, steps

routers = [master.router, orders.router, execution.router, planning.router, steps.router]
