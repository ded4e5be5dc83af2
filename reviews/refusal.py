"""How the review pages answer a refusal: of the policy, of a rule, or of a form.

* :func:`gated` and :func:`gate` — the policy is the only gate of a review page: ``require(may(user,
  action, obj))``; a refusal becomes the 404 page for what the user may not see (the policy's
  ``NOT_FOUND``) and the 403 page with the policy's reason otherwise.
* :func:`report` — a rule refused the action (a :class:`~nominations.rules.decision.Refused` the view
  caught once): its problems become messages on the page the user is sent back to.
* :func:`refused` — a form refused the posted values: a 400 page that repeats the form with each message
  next to its field and everything typed kept, so the user corrects it and submits again (or goes
  back); nothing was saved.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from nominations.forms.fields import first_error
from nominations.policy import NOT_FOUND, may
from nominations.rules.decision import Decision, Refused, require

View = Callable[..., HttpResponse]


class PageRefused(Refused):
    """The policy refused a review page to this user (answered with the 403 or the 404 page)."""


def gate(user: AbstractBaseUser | AnonymousUser, action: str, obj: Any = None) -> Decision:
    """Ask the policy; raise ``Http404`` or ``PermissionDenied`` (with the reason) when it says no."""
    try:
        return require(may(user, action, obj), PageRefused)
    except PageRefused as refusal:
        if refusal.decision == NOT_FOUND:
            raise Http404(refusal.reason) from refusal
        raise PermissionDenied(refusal.reason) from refusal


def gated(action: str) -> Callable[[View], View]:
    """A review view for the users whom the policy allows ``action`` (without an object); put it under
    ``login_required`` (and ``require_POST``), so that a visitor logs in and a wrong method is a 405 first."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            gate(request.user, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def report(request: HttpRequest, refusal: Refused, *, limit: int | None = None, footer: str = "") -> None:
    """The refusal's problems (the first ``limit`` of them, and how many more) as error messages."""
    problems = refusal.problems
    shown = problems if limit is None else problems[:limit]
    for problem in shown:
        messages.error(request, problem)
    if len(problems) > len(shown):
        messages.error(request, f"另有 {len(problems) - len(shown)} 项问题未列出。")
    if footer:
        messages.error(request, footer)


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
