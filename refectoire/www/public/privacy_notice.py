"""« Données personnelles »: the Caisse's information notice (RGPD articles 13 and 14), linked from
every footer. Each processing with its purpose, legal basis, data, recipients and retention; the
DPO's contact from the Caisse's privacy settings; the rights and the CNIL's address. The Caisse may
write its own text, shown in place of the default one."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from refectoire.privacy.selectors import privacy_settings_for


@require_GET
def privacy_notice(request):
    return render(request, "public/privacy_notice.html", {"privacy": privacy_settings_for(request.caisse)})
