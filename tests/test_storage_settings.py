"""Attachments are stored through Django's storage API: a local folder by default, an S3-compatible
store when several web servers share the files (AWS_STORAGE_BUCKET_NAME set)."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; django.setup(); "
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps([type(s).__module__ + '.' + type(s).__name__, "
    "getattr(s, 'bucket_name', None), getattr(s, 'endpoint_url', None), getattr(s, 'default_acl', None), "
    "getattr(s, 'querystring_auth', None)]))"
)


def _storage(extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"DJANGO_SETTINGS_MODULE": "kczg_site.settings", "DATABASE_URL": "sqlite:///:memory:"}, **extra_env)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_folder_by_default():
    backend, *_ = _storage({})
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"


def test_s3_compatible_store_when_a_bucket_is_set():
    backend, bucket, endpoint, acl, signed = _storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "kczg-attachments",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
        }
    )
    assert backend == "storages.backends.s3.S3Storage"
    assert (bucket, endpoint, acl, signed) == ("kczg-attachments", "http://127.0.0.1:9000", "private", True)
