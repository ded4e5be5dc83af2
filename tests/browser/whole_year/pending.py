"""What the walk cannot click yet: one switch per feature of issue 13 still being built elsewhere.

A stage reads its switch and asserts today's behaviour while it is off; turning it on (after the merge)
runs the clicks of the new feature instead. Each switch says what it waits for.
"""

# The unit's confirmation shows a preview (numbers per list / domain, still unhandled entries) and asks
# once more; the second click confirms. Entries not recommended become 未获推荐 and are told.
CONFIRMATION_PREVIEW = True

# After its unit confirmed, a member is refused a new submission, with the reason and whom to ask.
CONFIRMATION_GATE = True

# After a deadline that applies to the viewer the form is read-only with a banner; the header
# countdown shows the next deadline of the viewer's role.
DEADLINE_MODES = True

# Dispatch shows a preview; at the platform deadline the platform decides per unconfirmed unit
# (include with a recorded reason, or exclude) before the entries are dispatched.
UNCONFIRMED_DECISION = True

# Every review body of the notice has a coordinator and three experts among the README's log-ins.
# While off, the secretariat withdraws its 生物医药 recommendation before confirming, so that only
# the 电子信息 body (the one with log-ins today) reviews and the year can finish.
EVERY_BODY_STAFFED = True

# Score submission and the body's results show a preview and need a second click.
SCORE_PREVIEW = True
RESULTS_PREVIEW = True

# Publication per list (once that list's bodies reported), with a preview; outcome mails to units and
# members; the public list linked from the home page.
PER_LIST_PUBLICATION = True
HOME_PAGE_LINK = True
OUTCOME_MAILS = True

# A demo unit with more possible entries than its quota (a third member unit of 中国技术经济学会
# with a log-in), so that the next 推荐 is refused with the quota message. With two member units of
# at most 3 live entries per domain each, the society can never have more than its 6 places.
QUOTA_EDGE = False
