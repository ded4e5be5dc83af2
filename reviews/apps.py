from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        # Imported here, not at the top: models may not be imported before the app registry is ready.
        from nominations.rules.deadlines import register_review_deadline
        from reviews import hooks, scoring

        hooks.register()
        # the header bar's deadline of coordinators and experts (an expert's: the nearest of their bodies)
        register_review_deadline(scoring.scoring_deadline, scoring.expert_deadline)
