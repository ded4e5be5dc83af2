from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "promotion"
    verbose_name = "发布推介"

    def ready(self):
        # Imported here, not at the top: models may not be imported before the app registry is ready.
        from promotion import hooks

        hooks.register()
