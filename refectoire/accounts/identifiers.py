import secrets

from refectoire.accounts.models import User

# No 0/O, 1/I/L: an identifier is read on a letter and typed on a phone.
UNAMBIGUOUS_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_identifier() -> str:
    """An identifier of the form `G4V-RNG6P`: 3 and 5 characters of an unambiguous alphabet."""
    head = "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(3))
    tail = "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(5))
    return f"{head}-{tail}"


def generate_username() -> str:
    while True:
        candidate = random_identifier()
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
