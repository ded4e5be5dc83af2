"""The log-in backend: Django's ModelBackend, reading the user's profile (role, unit) with the user.

Every page asks for the role (``nominations.policy.role_of``) and most for the unit, so the user of a
request is loaded with ``select_related("profile__member_unit")``: one query per request instead of
two (three for a member, whose header bar shows the member unit's deadline).

An app that would read one more small value in nearly every request can have it read in the same
query (:func:`read_with_user`): ``nominations.campaign_cache`` has the campaign data version read so,
instead of a query of its own.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression

# name -> (the expression annotated on the user's query, the function given its value).
_WITH_USER: dict[str, tuple[Expression, Callable[[Any], None]]] = {}


def read_with_user(name: str, expression: Expression, receive: Callable[[Any], None]) -> None:
    """Read ``expression`` with the user of each request and give its value to ``receive`` (at ready())."""
    _WITH_USER[name] = (expression, receive)


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        # By its key, without the ORDER BY and LIMIT that ``first()`` adds (the query of every request).
        query = user_model._default_manager.select_related("profile__member_unit").filter(pk=user_id).order_by()
        if _WITH_USER:
            query = query.annotate(**{name: expression for name, (expression, _) in _WITH_USER.items()})
        found = list(query)
        user = found[0] if found else None
        if user is not None:
            for name, (_, receive) in _WITH_USER.items():
                receive(getattr(user, name))
        return user if user is not None and self.user_can_authenticate(user) else None
