"""Reusable rule building blocks that the core's defaults and the plugins compose."""

from core.rules.blocks import (
    all_units_present,
    majority_of_units_present,
    no_vote_when_disqualified,
    one_vote_per_organisation,
    one_vote_per_seat,
    required_share,
    share_of_votes_cast,
    vote_through_another_representative,
)
from core.rules.types import *  # noqa: F403
from core.rules.types import __all__ as _types

__all__ = [
    *_types,
    "all_units_present",
    "majority_of_units_present",
    "no_vote_when_disqualified",
    "one_vote_per_organisation",
    "one_vote_per_seat",
    "required_share",
    "share_of_votes_cast",
    "vote_through_another_representative",
]
