"""The tests of the bundled plugin `slagelse` and its tenant file tenants/slagelse.toml."""
