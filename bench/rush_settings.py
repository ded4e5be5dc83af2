"""Settings of the deadline-rush benchmark (``bench/rush.py``): the project's settings plus a baseline URL.

Only the benchmark's gunicorn uses this module. It adds ``bench/insert/`` (one INSERT, the yardstick)
through its own URLconf, so the production URLconf never has it, and a fast password hasher so that
logging in a thousand benchmark users does not dominate the set-up (logging in is not measured).
"""

from kczg_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench._rush_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The collector's share of the workers' CPU (bench/_gc_meter.py; rush.py prints it).
from bench import _gc_meter  # noqa: E402

_gc_meter.install()
