"""URLconf of the rush benchmark: the whole site plus ``bench/insert/``, a view doing one INSERT."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

BASELINE_TABLE = "bench_baseline"
CREATE_BASELINE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL, note text)"
)


@csrf_exempt
@require_POST
def insert(request):
    """The baseline: a Django view (the full middleware stack) that does exactly one INSERT."""
    with connection.cursor() as cursor:
        note = request.POST.get("note", "")
        cursor.execute(f"INSERT INTO {BASELINE_TABLE} (at, note) VALUES (now(), %s)", [note])  # noqa: S608 (constant name)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/insert/", insert, name="bench_insert"),
    path("", include("kczg_site.urls")),
]
