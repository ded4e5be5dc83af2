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
from django.db.models import Expression, QuerySet

from kczg_site.prepared import PreparedQuery

# name -> (the expression annotated on the user's query, the function given its value).
_WITH_USER: dict[str, tuple[Expression, Callable[[Any], None]]] = {}


def read_with_user(name: str, expression: Expression, receive: Callable[[Any], None]) -> None:
    """Read ``expression`` with the user of each request and give its value to ``receive`` (at ready())."""
    _WITH_USER[name] = (expression, receive)


def _user_query(pk: int) -> QuerySet:
    # By its key, without the ORDER BY and LIMIT that ``first()`` adds.
    query = get_user_model()._default_manager.select_related("profile__member_unit").filter(pk=pk).order_by()
    if _WITH_USER:
        query = query.annotate(**{name: expression for name, (expression, _) in _WITH_USER.items()})
    return query


# The query of every request, compiled once per process (kczg_site/prepared.py); again if an app
# registers one more value to read with the user.
_prepared: dict[tuple[str, ...], PreparedQuery] = {}


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        # Django gives the key as the model's field makes it (an int); anything else takes the ORM's way.
        if type(user_id) is int and 0 < user_id < 2**63:
            names = tuple(_WITH_USER)
            if names not in _prepared:
                _prepared[names] = PreparedQuery(_user_query, pk=int)
            found = _prepared[names](pk=user_id)
        else:
            found = list(_user_query(user_id))
        user = found[0] if found else None
        if user is not None:
            for name, (_, receive) in _WITH_USER.items():
                receive(getattr(user, name))
        return user if user is not None and self.user_can_authenticate(user) else None
