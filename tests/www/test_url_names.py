"""Every URL name is registered once, in the site's URLs and in a Caisse's (issue 14).

A name registered twice makes `{% url %}` pick one of two screens by the arguments given: the copy
of « Période de facturation » under « Années scolaires » skipped the rule of the billing screen.
The one exception is a screen of ours that replaces a third-party one at the same address, placed
before it (`compte/logout/`, `compte/signup/` over allauth's): the third-party copy is never reached.
"""

from collections import Counter

from django.urls import URLPattern, URLResolver, get_resolver, include, path


def registered(resolver, namespace="", prefix=""):
    """(namespace:name, route, module of the view) of every named pattern, includes followed."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from registered(pattern, inner, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", route, pattern.lookup_str


def duplicates(urlconf):
    kept = []
    for name, route, view in registered(get_resolver(urlconf)):
        replaced = any(name == n and route == r for n, r, _v in kept) and not view.startswith("refectoire.")
        if not replaced:
            kept.append((name, route, view))
    counts = Counter(name for name, _route, _view in kept)
    return sorted(name for name, count in counts.items() if count > 1)


def test_every_url_name_of_the_site_is_registered_once():
    assert duplicates("refectoire.urls") == []


def test_every_url_name_of_a_caisse_is_registered_once():
    names = [name for name, _route, _view in registered(get_resolver("refectoire.urls_caisse"))]
    assert "backoffice:billing_period_edit" in names and "portal:dashboard" in names
    assert duplicates("refectoire.urls_caisse") == []


def view(request):
    return None


class TwiceNamed:
    urlpatterns = [
        path("a/", view, name="same"),
        path("b/", include(([path("c/", view, name="same")], "space"))),
        path("d/", view, name="same"),
    ]


def test_the_walk_reports_a_name_registered_twice():
    assert duplicates(TwiceNamed) == ["same"]
