"""The log-in backend: Django's ModelBackend, reading the user's profile (role, unit) with the user.

Every page asks for the role (``nominations.policy.role_of``) and most for the unit, so the user of a
request is loaded with ``select_related("profile__member_unit")``: one query per request instead of
two (three for a member, whose header bar shows the member unit's deadline).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = user_model._default_manager.select_related("profile__member_unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
