"""The answer to a review action whose posted values a form refused: a 400 page with the reason.

The page repeats the form with each message next to its field and everything typed kept, so the
user corrects it and submits again (or goes back); nothing was saved.
"""

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nominations.forms.fields import first_error


def refused(
    request: HttpRequest, form: Form, *, title: str, back: str, action: str = "", resubmit: bool = True
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "reason": first_error(form),
        "action": action or request.path,
        "back": back,
        "resubmit": resubmit,
    }
    return render(request, "reviews/refused.html", context, status=400)
