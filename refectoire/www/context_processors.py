from refectoire.schools.staff import canteen_staff_for, load_roles


def canteen_staff(request):
    """`canteen_staff`: the visitor's canteen staff role in the current Caisse (None for everyone else),
    for the header's « Pointage de la cantine » and the staff's own menu in the back office."""
    user = getattr(request, "user", None)  # absent on a page of error raised before authentication
    caisse = getattr(request, "caisse", None)
    if user is None or caisse is None or not user.is_authenticated:
        return {"canteen_staff": None}
    load_roles(user, caisse)  # one query for both roles; runs before caisses' processor reads the agent's
    return {"canteen_staff": canteen_staff_for(user, caisse)}
