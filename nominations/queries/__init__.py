"""Page assembly, pretalx-style: what a page shows, as functions of the user, the campaign and the
filters — never of the request — so each can be called (and tested) without a client.

* :mod:`nominations.queries.common` — figures shared by several pages (``count_per``) and the mail log.
* :mod:`nominations.queries.member` — the author side: member units and pioneers.
* :mod:`nominations.queries.secretariat` — the recommending unit's secretariat.
* :mod:`nominations.queries.confirmation` — the secretariat's confirmation preview.
* :mod:`nominations.queries.platform` — the platform secretariat's overview, units, pioneers and logs.

The views parse the request (forms), ask the policy or a service, call these and render.
"""
