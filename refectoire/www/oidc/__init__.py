"""The OpenID Connect screens ("Mon Paris", FranceConnect): login, callback, return from logout.

The URLs of refectoire.accounts.oidc's provider (allauth includes `<package>.urls` under
/<caisse>/compte/oidc/), and Réfectoire's logout, which also ends the provider's session.
"""
