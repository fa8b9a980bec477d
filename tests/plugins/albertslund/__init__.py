"""The tests of the bundled plugin `albertslund` and its tenant file tenants/albertslund.toml."""
