"""Every e-mail a family receives is written in the family's language (issue 19).

The list below names every function of the project that sends an e-mail (it calls `send_mail`),
and how its text gets the family's language. The scan fails when a new sender appears that is not
listed, or when a listed one no longer composes its text inside `in_language_of` (accounts/language.py).
The behaviour itself (an English or Arabic family gets English or Arabic) is tested next to each
sender and below.
"""

import ast
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from refectoire.accounts.language import in_language_of, recipients_language
from refectoire.messaging.notifications import notify_household
from tests.factories import UserFactory
from tests.households.factories import household_for

PACKAGE = Path(__file__).resolve().parents[2] / "refectoire"

# "module:function" of every function that composes an e-mail (calls send_mail or builds an
# EmailMessage) → where its language is chosen:
# "itself" (a `with in_language_of(...)` in its own body) or the decorator/caller that wraps it.
SENDERS = {
    "accounts.adapter:AccountAdapter.send_mail": "itself",
    "accounts.services:account_email_change": "itself",
    "adultmeals.services:_ended_by_agent_email": "itself",
    "billing.notifications:invoice_issued_message": "itself",
    "billing.notifications:reminder_message": "itself",
    "directdebit.services:_email_mandate": "itself",
    "enrollment.pai:_notify": "itself",
    "enrollment.notifications:notify_absence_decision": "itself",
    "enrollment.notifications:notify_enrollment_made": "itself",
    "households.emails:_send": "households.emails:_in_family_language",
    "messaging.notifications:notify_household": "itself",
    "pricing.services:_mail_parents": "itself",
    "privacy.exports:_email_export_ready": "itself",
    "stays.services:_notify_place": "itself",
}


def _functions(tree):
    """(qualified name, node) of the module's functions and methods."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


def _calls(node, name: str) -> bool:
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                return True
    return False


def _composes_in_language(node) -> bool:
    return any(
        isinstance(item, ast.With)
        and any(_calls(withitem.context_expr, "in_language_of") for withitem in item.items)
        for item in ast.walk(node)
    )


def _scan():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for name, node in _functions(tree):
            if _calls(node, "send_mail") or _calls(node, "EmailMessage"):
                found[f"{module}:{name}"] = node
    return found


def test_the_list_of_email_senders_is_complete():
    assert sorted(_scan()) == sorted(SENDERS)


@pytest.mark.parametrize("sender", sorted(SENDERS))
def test_each_sender_composes_in_the_familys_language(sender):
    found = _scan()
    how = SENDERS[sender]
    if how == "itself":
        assert _composes_in_language(found[sender]), f"{sender} sends without in_language_of"
        return
    module, function = sender.split(":")
    wrapper = how.split(":")[1]
    source = (PACKAGE / Path(*module.split("."))).with_suffix(".py").read_text()
    tree = ast.parse(source)
    wrappers = {name: node for name, node in _functions(tree)}
    assert _composes_in_language(wrappers[wrapper])
    # Every function of the module that calls the sender is wrapped.
    for name, node in _functions(tree):
        if name not in (function, wrapper) and _calls(node, function):
            decorators = [getattr(d, "id", None) for d in node.decorator_list]
            assert wrapper in decorators, f"{module}:{name} calls {function} without @{wrapper}"


# Behaviour ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_account_language_wins_for_the_mails_of_a_visitors_own_action():
    UserFactory(email="amal@example.fr", language="ar")
    UserFactory(email="lea@example.fr", language="")
    assert recipients_language(["amal@example.fr"], default="en") == "ar"
    assert recipients_language(["lea@example.fr"], default="en") == "en"
    assert recipients_language(["nobody@example.fr"], default="ar") == "ar"
    assert recipients_language(["lea@example.fr"]) == "fr"


@pytest.mark.django_db
def test_two_guardians_who_chose_differently_get_french():
    UserFactory(email="amal@example.fr", language="ar")
    UserFactory(email="sam@example.fr", language="en")
    assert recipients_language(["amal@example.fr", "sam@example.fr"], default="en") == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("fr", "Nouveau message de la Caisse des écoles", "Consultez-la dans votre espace famille"),
        ("en", "New message from the Caisse des écoles", "Read it in your family space"),
        ("ar", "رسالة جديدة من صندوق المدارس", "صندوق المدارس"),
    ],
)
def test_a_household_notification_is_written_in_the_familys_language(
    cde11, language, subject, words, django_capture_on_commit_callbacks
):
    # A lazy subject and intro, as messaging and requests pass them, written in the family's language
    # even when the agent who triggers it reads the back office in French.
    parent = UserFactory(email="famille@example.fr", language=language)
    household = household_for(parent, cde11, co_guardian=False)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        notify_household(
            household=household,
            subject=gettext_lazy("Nouveau message de la Caisse des écoles"),
            intro=gettext_lazy("La Caisse des écoles vous a écrit."),
            url="https://example.fr/",
        )
    (message,) = mail.outbox
    assert subject in message.subject
    assert words in message.body
    if language != "fr":
        assert "Bonjour" not in message.body


@pytest.mark.django_db
def test_in_language_of_puts_the_agents_language_back_afterwards():
    UserFactory(email="amal@example.fr", language="ar")
    with translation.override("fr"):
        with in_language_of(["amal@example.fr"]):
            assert translation.get_language() == "ar"
        assert translation.get_language() == "fr"
