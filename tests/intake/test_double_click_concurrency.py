"""Two POSTs of one form at the same moment on PostgreSQL: one draft, one attachment.

The new-entry form's token is unique per creator (the second INSERT loses on the constraint and
returns the first's draft); uploads to one entry are serialised by the entry's row lock and the
upload token's constraint.
"""

import threading
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from nominations.models import Attachment, Nomination
from tests.intake.conftest import OPEN
from tests.intake.test_attachments import PDF_BYTES

CLICKS = 4


def _at_once(post):
    """Run ``post(index)`` in :data:`CLICKS` threads released together; their results by index."""
    barrier = threading.Barrier(CLICKS)
    results = {}

    def run(index):
        try:
            with time_machine.travel(OPEN, tick=False):
                barrier.wait(timeout=10)
                results[index] = post(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _clients(user):
    clients = []
    for _ in range(CLICKS):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_on_start_create_one_draft(transactional_db, member_user, tech, electronics):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    clients = _clients(member_user)
    posted = {"ranking_list": str(tech.pk), "domain": str(electronics.pk), "token": uuid.uuid4().hex}
    results = _at_once(lambda index: clients[index].post(reverse("member:new"), posted))
    assert len(results) == CLICKS
    draft = Nomination.objects.get()
    assert {response.status_code for response in results.values()} == {302}
    assert {response.url for response in results.values()} == {reverse("member:edit", args=[draft.pk])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_on_upload_store_one_attachment(transactional_db, member_user, make_nomination):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    nomination = make_nomination()
    clients = _clients(member_user)
    url = reverse("member:upload", kwargs={"pk": nomination.pk})
    token = uuid.uuid4().hex

    def post(index):
        upload = SimpleUploadedFile("专利证书.pdf", PDF_BYTES)
        return clients[index].post(url, {"file": upload, "token": token}, HTTP_HX_REQUEST="true")

    results = _at_once(post)
    assert len(results) == CLICKS
    assert {response.status_code for response in results.values()} == {200}
    assert all("已上传“专利证书.pdf”" in response.content.decode() for response in results.values())
    assert Attachment.objects.filter(nomination=nomination).count() == 1
