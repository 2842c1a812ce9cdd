"""The e-mails of « Mes données » reach the family in its language (English, Arabic), whoever
triggers them: the worker for « Vos données sont prêtes », an agent reading the back office in
French for the answer to an erasure request."""

import pytest
from django.core import mail
from django.utils import translation

from refectoire.privacy.enums import ErasureState
from refectoire.privacy.services import (
    data_export_request,
    erasure_request_create,
    erasure_request_decide,
)
from tests.factories import UserFactory
from tests.households.factories import household_for

pytestmark = pytest.mark.django_db

EXPORT_READY = {
    "fr": ("Vos données sont prêtes", "Le fichier de vos données est prêt", "Bonjour"),
    "en": ("Your data is ready", "The file of your data is ready", "Hello"),
    "ar": ("بياناتك جاهزة", "ملف بياناتك جاهز", "مرحبًا"),
}
ERASURE_ANSWERED = {
    "fr": (
        "Votre demande de suppression de compte",
        "La Caisse a répondu à votre demande de suppression de compte.",
        "Bonjour",
    ),
    "en": (
        "Your account deletion request",
        "The Caisse has answered your account deletion request.",
        "Hello",
    ),
    "ar": ("طلب حذف حسابك", "ردّت الصندوق على طلب حذف حسابك.", "مرحبًا"),
}


def family(cde11, language):
    parent = UserFactory(email="famille@example.fr", language=language)
    return parent, household_for(parent, cde11, co_guardian=False)


def assert_written_in(message, language, expected):
    subject, sentence, greeting = expected[language]
    assert subject in message.subject
    assert sentence in message.body
    assert message.body.startswith(greeting)
    if language != "fr":
        assert "Bonjour" not in message.body
        assert "Ce courriel est envoyé automatiquement" not in message.body


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_export_ready_email_is_in_the_familys_language(
    cde11, language, django_capture_on_commit_callbacks
):
    parent, household = family(cde11, language)
    # The worker runs the build (the tasks run at once in tests) with no page language of its own.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        data_export_request(household=household, user=parent)
    (message,) = mail.outbox
    assert message.to == [parent.email]
    assert_written_in(message, language, EXPORT_READY)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_answer_to_an_erasure_request_is_in_the_familys_language(
    cde11, agent_cde11, language, django_capture_on_commit_callbacks
):
    parent, household = family(cde11, language)
    request = erasure_request_create(household=household, user=parent)
    # The agent reads the back office in French.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        decided = erasure_request_decide(
            request=request, agent=agent_cde11, accept=False, message="Une facture reste à régler."
        )
    assert decided.state == ErasureState.REFUSED
    (message,) = mail.outbox
    assert message.to == [parent.email]
    assert_written_in(message, language, ERASURE_ANSWERED)
