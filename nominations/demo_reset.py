"""Start the demo over (``python manage.py reset_demo``, ``make reset-demo``).

Deletes every row of the project's database — entries, attachments, reviews and scores, mails, audit
records, exports, users and units, sessions, log-in attempts — except the tables ``migrate`` sets up
(content types, permissions and the permission groups), deletes the files the deleted rows pointed at
(attachments, generated exports), loads the demo again (``demo.load_demo``) and puts the demo clock back
at ``DEMO_CLOCK_START``. Refused unless the demo clock is on and the environment is not production.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction

from kczg_site import clock
from nominations.demo import CAMPAIGN_FILE, load_demo

# What migrate sets up and the demo does not create: kept, so that running processes' caches stay right.
KEPT = {"contenttypes.ContentType", "auth.Permission", "auth.Group", "auth.Group_permissions"}


def refusal() -> str:
    """Why the demo may not be reset here (``""`` when it may)."""
    if getattr(settings, "PRODUCTION", False) or getattr(settings, "ENVIRONMENT", "") == "production":
        return "生产环境（KCZG_ENV=production）不能重置演示数据。"
    if not clock.demo_clock_enabled():
        return "演示时钟未启用（DEMO_CLOCK 关闭）：只有演示环境才能重置演示数据。"
    return ""


def _flushed_models() -> list[type[models.Model]]:
    existing = set(connection.introspection.table_names())
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in KEPT
        and model._meta.db_table in existing
    ]


def _delete_files(flushed: list[type[models.Model]]) -> int:
    """Delete the stored files of every file field of the flushed rows; return how many."""
    deleted = 0
    for model in flushed:
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            for name in model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                if name and field.storage.exists(name):
                    field.storage.delete(name)
                    deleted += 1
    return deleted


def reset_demo(campaign_file=CAMPAIGN_FILE) -> dict:
    """Delete the data, load the demo again, clock at its start; return ``load_demo``'s summary and
    ``files_deleted``. Raises ``RuntimeError`` with :func:`refusal`'s reason where it is refused."""
    reason = refusal()
    if reason:
        raise RuntimeError(reason)
    flushed = _flushed_models()
    with transaction.atomic():
        files = _delete_files(flushed)
        tables = [model._meta.db_table for model in flushed]
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
        clock.forget()
        summary = load_demo(campaign_file)
        clock.set_demo_time(clock.demo_start())
    return {**summary, "files_deleted": files}
