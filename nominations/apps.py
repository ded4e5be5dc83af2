from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "榜单征集"

    def ready(self):
        from . import (
            notifications,  # noqa: F401  (mail on workflow transitions)
            signals,  # noqa: F401
        )
