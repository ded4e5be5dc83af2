from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        from reviews import audit, policy

        policy.register_actions()
        audit.register_labels()
