from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = "榜单征集"

    def ready(self):
        from django.db.models.signals import post_migrate

        from kczg_site.admin_language import use_chinese_boolean_icons, use_chinese_deletion_summary

        from .groups import setup_after_migrate

        # The admin's own English (kczg_site/admin_language.py).
        use_chinese_boolean_icons()
        use_chinese_deletion_summary()

        # The platform staff's permission group, in production as in the demo.
        post_migrate.connect(setup_after_migrate, dispatch_uid="nominations.platform_group")
        from . import campaign_cache

        # Cached campaign data is invalidated in every process on each change (nominations/campaign_cache.py).
        campaign_cache.connect()
        from . import (
            formal,  # noqa: F401  (resubmitting clears the fix-by time)
            notifications,  # noqa: F401  (mail on workflow transitions)
            signals,  # noqa: F401
        )
