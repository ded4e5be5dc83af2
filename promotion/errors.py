"""The refusal every promotion step raises (its Chinese reason, as ``nominations.rules.decision.Refused``)."""

from nominations.rules.decision import Refused


class PromotionError(Refused):
    """A refused promotion step (its Chinese reason)."""
