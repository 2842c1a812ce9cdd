from refectoire.caisses.models import AgentRole


def agent_role_for(user, caisse) -> AgentRole | None:
    """The active role of `user` in the back office of `caisse`, cached on the user for the request."""
    if not user.is_authenticated or caisse is None:
        return None
    cache = user.__dict__.setdefault("_agent_roles", {})
    if caisse.pk not in cache:
        cache[caisse.pk] = AgentRole.objects.for_caisse(caisse).filter(user=user).first()
    return cache[caisse.pk]
