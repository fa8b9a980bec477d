"""The audit log: an append-only record of votes, outcomes and changes, chained by hash.

Other features call :func:`core.audit.operations.record`; the audit calls nobody back.
``kommissorium audit verify`` walks each tenant's chain and reports the first broken link.
"""
