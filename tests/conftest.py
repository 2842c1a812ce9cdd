"""Personas and guards shared by every test.

Personas: two Caisses (cde11, cde19); in cde11 parent A and parent B (two families), an agent
and a manager; in cde19 an agent and a manager, and parent_19. Their validated households:
household_a, household_b, household_19. Every view gets its "the others get 404" test.
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from refectoire.caisses.urls import caisse_reverse
from tests.factories import AgentRoleFactory, CaisseFactory, UserFactory
from tests.i18n.po import compile_if_stale
from tests.requests.factories import household_of


def pytest_configure(config):
    # The English and Arabic pages need the compiled translations (.mo files are not committed);
    # compiled once, by the controller, before the xdist workers start.
    if not hasattr(config, "workerinput"):
        compile_if_stale()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttling counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _french_after_each_test():
    # A request of the test client activates the page's language (www/i18n.py) in this thread and
    # nothing puts French back: the next test would read English or Arabic messages.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _templates_fail_on_undefined_variables(settings):
    """An undefined variable in one of our templates fails the test (as in les-emplois)."""

    class InvalidVariable(str):
        def __bool__(self):
            return False

        def __mod__(self, other):
            from django.template.base import VariableDoesNotExist

            raise VariableDoesNotExist(f"Undefined template variable {other!r}")

    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")
    yield


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Uploads go to the test's own folder, never to the checkout's var/private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def cde11(db):
    return CaisseFactory(
        slug="cde11", name="Caisse des écoles Paris 11e", contact_email="dossier@cdeparis11.fr"
    )


@pytest.fixture
def cde19(db):
    return CaisseFactory(
        slug="cde19", name="Caisse des écoles du 19e arrondissement", contact_email="contact@cde19.fr"
    )


@pytest.fixture
def parent_a(db):
    return UserFactory(first_name="Allison", last_name="Lovinfosse", email="allison@example.fr")


@pytest.fixture
def parent_b(db):
    return UserFactory(first_name="Marc", last_name="Petit", email="marc@example.fr")


@pytest.fixture
def agent_cde11(cde11):
    return AgentRoleFactory(caisse=cde11, user__email="agent11@example.fr").user


@pytest.fixture
def manager_cde11(cde11):
    return AgentRoleFactory(caisse=cde11, manager=True, user__email="gestion11@example.fr").user


@pytest.fixture
def agent_cde19(cde19):
    return AgentRoleFactory(caisse=cde19, user__email="agent19@example.fr").user


@pytest.fixture
def manager_cde19(cde19):
    return AgentRoleFactory(caisse=cde19, manager=True, user__email="gestion19@example.fr").user


@pytest.fixture
def curl():
    """The path of a Caisse's page: curl(cde11, "portal:dashboard")."""

    def build(caisse, viewname, *args, **kwargs):
        return caisse_reverse(caisse, viewname, args=args or None, kwargs=kwargs or None)

    return build


@pytest.fixture
def parent_19(cde19):
    return UserFactory(first_name="Inès", last_name="Moreau", email="ines@example.fr")


@pytest.fixture
def household_a(cde11, parent_a):
    """The validated household of parent A, with one child."""
    return household_of(parent_a, cde11)


@pytest.fixture
def household_b(cde11, parent_b):
    return household_of(parent_b, cde11)


@pytest.fixture
def household_19(cde19, parent_19):
    return household_of(parent_19, cde19)
