from contextlib import contextmanager

from django.conf import settings
from django.urls import get_script_prefix, reverse, set_script_prefix


@contextmanager
def _script_prefix(prefix: str):
    previous = get_script_prefix()
    set_script_prefix(prefix)
    try:
        yield
    finally:
        set_script_prefix(previous)


def caisse_reverse(caisse, viewname: str, *, args=None, kwargs=None, query: str = "") -> str:
    """The path of a Caisse's page, from anywhere (a request of another Caisse, a task, a test)."""
    with _script_prefix(f"/{caisse.slug}/"):
        path = reverse(viewname, urlconf=settings.CAISSE_URLCONF, args=args, kwargs=kwargs)
    return f"{path}?{query}" if query else path
