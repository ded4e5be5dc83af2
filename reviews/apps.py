from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        # Imported here, not at the top: models may not be imported before the app registry is ready.
        from reviews import hooks

        hooks.register()
