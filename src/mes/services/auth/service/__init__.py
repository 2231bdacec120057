"""Use cases of the auth service: users, sessions and tokens, credentials, signatures, keys."""
