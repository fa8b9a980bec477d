"""The tests of the bundled plugin `kobenhavn` and its tenant file tenants/kobenhavn.toml."""
