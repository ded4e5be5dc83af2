from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from nominations import policy


@login_required
def dashboard(request):
    return redirect(policy.dashboard_url_name(request.user))


@login_required
def member_dashboard(request):
    return render(request, "nominations/member_dashboard.html")


@login_required
def secretariat_dashboard(request):
    return render(request, "nominations/secretariat_dashboard.html")


@login_required
def pioneer_dashboard(request):
    return render(request, "nominations/pioneer_dashboard.html")


@login_required
def platform_dashboard(request):
    return render(request, "nominations/platform_dashboard.html")
