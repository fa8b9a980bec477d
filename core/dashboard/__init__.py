"""The cross-tenant dashboard of a logged-in person (core/dashboard/operations.py)."""
