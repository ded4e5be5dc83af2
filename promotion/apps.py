from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    """This app's default permissions are created after the reviews app's handler renamed the others and
    set up the platform group: name them, and give the group its read-only promotion permissions."""
    from nominations.groups import ensure_platform_group, name_permissions_in_chinese

    ensure_platform_group()
    name_permissions_in_chinese()


class PromotionConfig(AppConfig):
    name = "promotion"
    verbose_name = "发布推介"

    def ready(self):
        # Imported here, not at the top: models may not be imported before the app registry is ready.
        from promotion import hooks

        hooks.register()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="promotion_permissions_in_chinese")
