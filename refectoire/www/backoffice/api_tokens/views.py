"""Back office: the partners' API tokens (managers only): make one (its value shown once), see its
calls, revoke it."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refectoire.core.forms import add_service_errors
from refectoire.partners import selectors, services
from refectoire.partners.models import ApiToken
from refectoire.www.backoffice.access import manager_required
from refectoire.www.backoffice.api_tokens.forms import ApiTokenForm


@manager_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None, caisse=request.caisse)
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
            if expires_on
            else None
        )
        try:
            token, raw = services.api_token_create(
                caisse=request.caisse,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                school=form.cleaned_data["school"],
                expires_at=expires_at,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, renamed={"expires_at": "expires_on"})
        else:
            # Shown on this answer only: never stored, never shown again.
            response = render(
                request, "backoffice/api_tokens/token_created.html", {"token": token, "raw": raw}
            )
            response["Cache-Control"] = "no-store"
            return response
    tokens = list(ApiToken.objects.for_caisse(request.caisse).select_related("school"))
    last_calls = selectors.api_tokens_last_call(tokens)
    now = timezone.now()
    rows = [{"token": t, "last_call": last_calls.get(t.pk), "expired": t.is_expired(now)} for t in tokens]
    return render(request, "backoffice/api_tokens/token_list.html", {"form": form, "rows": rows})


@manager_required
def token_detail(request, token_uuid):
    token = get_object_or_404(ApiToken.objects.for_caisse(request.caisse), uuid=token_uuid)
    return render(
        request,
        "backoffice/api_tokens/token_detail.html",
        {"token": token, "calls": selectors.api_token_calls(token), "expired": token.is_expired()},
    )


@manager_required
@require_POST
def token_revoke(request, token_uuid):
    token = get_object_or_404(ApiToken.objects.for_caisse(request.caisse), uuid=token_uuid)
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("backoffice:api_token_detail", token_uuid=token.uuid)
