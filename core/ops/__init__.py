"""Operator tooling that reads the application's own schema (``kommissorium ops …``)."""
