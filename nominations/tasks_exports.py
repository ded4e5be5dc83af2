"""Celery tasks of the exports: ids in, files out. The work is ``nominations.exports.run_job``.

Listed in ``CELERY_IMPORTS`` (settings) so that a worker registers them at start-up.
"""

from celery import shared_task

from nominations.exports import run_job


@shared_task(name="nominations.run_export_job", ignore_result=True)
def run_export_job(job_id):
    """Build the file of export job ``job_id``; progress and errors are recorded on the job row."""
    run_job(job_id)
