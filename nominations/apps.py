from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "榜单征集"

    def ready(self):
        from . import signals  # noqa: F401
