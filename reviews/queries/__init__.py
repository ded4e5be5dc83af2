"""Page assembly of the review pages: what each page shows, from the user, the body or the campaign.

The views read the request (the query string, the posted form), ask the policy, and pass plain values
here; nothing here takes a request, so the data of every page is testable without a client.

* :mod:`reviews.queries.reviewers` — the reviewer's body and where the review period stands;
* :mod:`reviews.queries.expert` — the expert's tasks and review sheet;
* :mod:`reviews.queries.coordinator` — the body's progress, assignment table, ranking and entry page;
* :mod:`reviews.queries.platform` — the platform's dispatch, progress and final-review pages.
"""
