"""The review side's names for the groups of entry states; each group is defined once, on ``State``.

Pages, rules and templates use these names (or ask the rule that uses them) instead of spelling
state strings.
"""

from nominations.models import State

# Entries a review body works on: dispatched (初评中) and every state the final review leads to.
REVIEW_STATES = State.in_review()
# Entries whose final result the platform may still set or change (not yet published).
DECIDABLE_STATES = State.decidable()
# Entries without a final result yet.
UNDECIDED_STATES = State.undecided()
# Entries on the list: listed by the final review, or already published.
LISTED_STATES = State.listed()
