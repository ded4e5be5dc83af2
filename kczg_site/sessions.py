"""The session store: Django's database sessions, with the one query of every request written once.

``django.contrib.sessions.backends.db`` loads a session through the ORM (``Session.objects.get``), so
every request pays for building that query in Python (about as much CPU as running it). This store
sends the same SELECT — the key, and an expiry date still in the future — as SQL composed once per
process. Everything else is Django's: the session stays in the database, logging out deletes the row
(``flush``), an expired or unknown key loads an empty session, and saving, cycling the key and
clearing expired sessions are untouched.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

_LOAD_SQL: dict[str, str] = {}


def _load_sql(alias: str, model: type) -> str:
    if alias not in _LOAD_SQL:
        quote = connections[alias].ops.quote_name
        _LOAD_SQL[alias] = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)}"  # noqa: S608 (names only)
            f" WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
    return _LOAD_SQL[alias]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_load_sql(alias, self.model), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
