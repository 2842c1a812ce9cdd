def caisse(request):
    current = getattr(request, "caisse", None)
    role = None
    if current is not None and request.user.is_authenticated:
        from refectoire.caisses.selectors import agent_role_for

        role = agent_role_for(request.user, current)
    return {"caisse": current, "agent_role": role}
