"""HTTP routes of the auth service, one module per concern; `public` ones need no token."""

from mes.services.auth.routes import credentials, preferences, signatures, users
from mes.services.auth.routes.sessions import public

routers = [public, users.router, credentials.router, signatures.router, preferences.router]
