"""The review side's groups of entry states, in one place (``State`` itself lives in the core).

Pages, rules and templates use these names (or ask the rule that uses them) instead of spelling
state strings.
"""

from nominations.models import State

# Entries a review body works on: dispatched (初评中) and every state the final review leads to.
REVIEW_STATES: tuple[State, ...] = (
    State.IN_REVIEW,
    State.REVIEW_PASSED,
    State.REVIEW_FAILED,
    State.LISTED,
    State.NOT_LISTED,
    State.PUBLISHED,
)
# Entries whose final result the platform may still set or change (not yet published).
DECIDABLE_STATES: tuple[State, ...] = (
    State.IN_REVIEW,
    State.REVIEW_PASSED,
    State.REVIEW_FAILED,
    State.LISTED,
    State.NOT_LISTED,
)
# Entries without a final result yet.
UNDECIDED_STATES: tuple[State, ...] = (State.IN_REVIEW, State.REVIEW_PASSED)
# Entries on the list: listed by the final review, or already published.
LISTED_STATES: tuple[State, ...] = (State.LISTED, State.PUBLISHED)
