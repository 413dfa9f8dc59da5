"""Thin Slack listeners. Each module exposes ``register(app, deps)``."""
