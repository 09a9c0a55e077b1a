"""Carta: the platform core (settings, accounts, audit log, notifications, API plumbing)."""
