"""Smoke test across Home Assistant releases: a real `hass` of each, cached venvs."""
