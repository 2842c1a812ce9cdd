from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """ "Mon espace": the parent's home in this Caisse."""
    return render(request, "portal/dashboard.html", {"person": request.user})
