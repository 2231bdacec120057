"""The auth service: users, roles, permissions, tokens, API keys and e-signatures."""
