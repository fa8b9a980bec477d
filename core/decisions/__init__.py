"""Decisions: motions on decision items, vote units, quorum, procedures and explained outcomes.

The rules come from the tenant's hooks (vote_units, quorum, decision_procedure, tally,
body_competence); this feature stores what they said, enforces one vote per unit in the
database, and writes every vote, change and outcome to the audit log.
"""
