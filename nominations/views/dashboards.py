from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from nominations import policy


@login_required
def dashboard(request):
    """After log-in every role lands on its own dashboard."""
    return redirect(policy.dashboard_url_name(request.user))
