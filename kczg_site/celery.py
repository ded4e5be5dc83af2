"""The Celery application. Tasks are thin wrappers over service functions and take ids only."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kczg_site.settings")

app = Celery("kczg_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
