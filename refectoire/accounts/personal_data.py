"""The accounts of a household's guardians, their consents (CGU) and the agents' views of the file.

Anonymising closes each account that serves no other household: names, contacts, address and birth
date erased (history too), e-mail replaced by an address that cannot receive mail, password
unusable, e-mail addresses, OpenID Connect links and second factors deleted. The access log keeps
its rows (they name agents, not the family) until its own retention ends.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password

from refectoire.accounts.models import AccessLog, CguAcceptance, User
from refectoire.core.personal_data import ANONYMOUS, anonymise_rows, anonymised_email, jsonable, row

SECTION = "account"

USER_FIELDS = (
    "username",
    "email",
    "civility",
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "street_number",
    "street_name",
    "building",
    "apartment",
    "address_complement",
    "postcode",
    "city",
    "country",
    "mobile_phone",
    "language",
    "date_joined",
    "last_login",
)


def household_users(household):
    return User.objects.filter(guardianships__household=household).distinct().order_by("pk")


def export_household(household) -> dict:
    users = list(household_users(household))
    return {
        "users": [
            {
                **row(user, *USER_FIELDS),
                "login_providers": sorted(
                    SocialAccount.objects.filter(user=user).values_list("provider", flat=True)
                ),
            }
            for user in users
        ],
        "consents": [
            {
                "user": acceptance.user.username,
                "what": "cgu",
                "accepted_at": jsonable(acceptance.accepted_at),
                "cgu_version": jsonable(acceptance.cgu_version),
            }
            for acceptance in CguAcceptance.objects.filter(user__in=users, caisse=household.caisse)
            .select_related("user")
            .order_by("accepted_at")
        ],
        "access_log": [
            {"at": jsonable(entry.at), "agent": entry.agent_name, "what": entry.get_kind_display()}
            for entry in AccessLog.objects.filter(caisse=household.caisse, household_id=household.pk)
        ],
    }


def anonymise_household(household) -> dict[str, int]:
    # The accounts that serve only this household (a parent may have a household in another Caisse).
    users = [
        user
        for user in household_users(household)
        if not user.guardianships.exclude(household=household).exists()
    ]
    pks = [user.pk for user in users]
    changed = 0
    for pk in pks:
        changed += anonymise_rows(
            User.objects.filter(pk=pk),
            username=f"anonyme-{pk}",
            email=anonymised_email(pk),
            civility="",
            first_name=ANONYMOUS,
            last_name=ANONYMOUS,
            birth_name="",
            birth_date=None,
            street_number="",
            street_name="",
            building="",
            apartment="",
            address_complement="",
            postcode="",
            city="",
            country="",
            mobile_phone="",
        )
    User.objects.filter(pk__in=pks).update(is_active=False, password=make_password(None))
    emails, _ = EmailAddress.objects.filter(user_id__in=pks).delete()
    links, _ = SocialAccount.objects.filter(user_id__in=pks).delete()
    factors, _ = Authenticator.objects.filter(user_id__in=pks).delete()
    return {
        "accounts": changed,
        "email_addresses": emails,
        "login_providers": links,
        "second_factors": factors,
    }
