"""The tests of the bundled plugin `vejle` and its tenant file tenants/vejle.toml."""
