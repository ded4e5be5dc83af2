"""The Celery task of the exports, listed in ``CELERY_IMPORTS`` (settings) so that a worker registers it
at start-up. The task (``nominations.run_export_job``) is defined next to the job lifecycle it runs,
in ``nominations.exports.jobs``, so that queueing a job needs no import inside a function.
"""

from nominations.exports.jobs import run_export_job

__all__ = ["run_export_job"]
