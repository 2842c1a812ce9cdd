"""Demo: a few requests and a conversation for the demo families, when the households exist."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from refectoire.caisses.models import AgentRole
from refectoire.demo.files import blank_pdf
from refectoire.documents.enums import DocumentKind
from refectoire.documents.services import document_store
from refectoire.households.models import Household
from refectoire.messaging.models import Conversation
from refectoire.messaging.services import conversation_reply, conversation_start
from refectoire.requests import rules, services
from refectoire.requests.enums import RequestKind


def _household(username, slug):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None, None
    household = Household.objects.filter(caisse__slug=slug, guardians__user=user).first()
    return user, household


def _agent(slug):
    role = AgentRole.objects.filter(caisse__slug=slug, is_active=True).select_related("user").first()
    return role.user if role else None


def seed(*, stdout):
    user, household = _household("G4V-RNG6P", "cde11")
    if household is None or household.requests.exists():
        return
    agent = _agent("cde11")
    services.request_create(
        household=household,
        kind=RequestKind.CORRECTION,
        data={"text": "La date de naissance de mon fils est le 14/03/2018, pas le 14/03/2019."},
        created_by=user,
    )
    contact = services.request_create(
        household=household,
        kind=RequestKind.SITUATION,
        data={"change": "contact", "mobile_phone": "06 12 34 56 78"},
        created_by=user,
    )
    if agent is not None:
        services.request_take(request=contact, caisse=household.caisse, actor=agent)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    child = household.children.first()
    first, last = monday, monday + datetime.timedelta(days=3)
    if child is not None and not rules.illness_refund_errors(
        child=child, household=household, first=first, last=last, sent_on=today
    ):
        certificate = document_store(
            caisse=household.caisse,
            household=household,
            uploaded_file=blank_pdf("certificat-medical.pdf"),  # a refund is sent with its certificate
            kind=DocumentKind.MEDICAL_CERTIFICATE,
            uploaded_by=user,
        )
        services.request_create(
            household=household,
            kind=RequestKind.ILLNESS_REFUND,
            data={
                "first_day": first.isoformat(),
                "last_day": last.isoformat(),
                "visa_by_school": True,  # the head of the school confirms it to the Caisse
            },
            created_by=user,
            children=[child],
            attachments=[certificate],
        )
    if not Conversation.objects.filter(household=household).exists():
        conversation = conversation_start(
            household=household,
            subject="Menus sans porc",
            body="Bonjour, mon fils ne mange pas de porc : un plat de substitution est-il prévu ?",
            author=user,
            by_agent=False,
        )
        if agent is not None:
            conversation_reply(
                conversation=conversation,
                body="Bonjour, oui : un plat de substitution est servi chaque fois que du porc est au menu.",
                author=agent,
                by_agent=True,
            )
    stdout.write("  Demandes et messages de démonstration : G4V-RNG6P (cde11)")
