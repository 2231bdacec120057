pytest_plugins = ["mes.platform.testing"]
