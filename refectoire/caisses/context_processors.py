def caisse(request):
    current = getattr(request, "caisse", None)
    role = None
    user = getattr(request, "user", None)  # absent on a page of error raised before authentication
    if current is not None and user is not None and user.is_authenticated:
        from refectoire.caisses.selectors import agent_role_for

        role = agent_role_for(user, current)
    return {"caisse": current, "agent_role": role}
