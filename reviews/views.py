from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def expert_dashboard(request):
    return render(request, "reviews/expert_dashboard.html")


@login_required
def coordinator_dashboard(request):
    return render(request, "reviews/coordinator_dashboard.html")
