"""Demo: the two Caisses of the guides, their managers, agents and a few parents."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from refectoire.caisses.branding import BOLD_FONT, REGULAR_FONT
from refectoire.caisses.models import AgentRole, Caisse
from refectoire.caisses.services import caisse_update_cgu, caisse_update_profile
from refectoire.demo.people import ADULTS, DEMO_PASSWORD, PEOPLE, STAFF, demo_account
from refectoire.messaging.models import NewsItem
from refectoire.messaging.services import news_save

CGU = """Article 1 — Objet
Les présentes conditions générales d'utilisation encadrent l'usage de l'espace famille de la {name}. \
Cet espace permet d'inscrire les enfants à la restauration scolaire, de demander un tarif, de consulter \
le planning, de régler les factures et d'échanger avec la Caisse des écoles.

Article 2 — Espace personnel
L'espace personnel est créé par le représentant légal de l'enfant. L'identifiant et le mot de passe sont \
personnels ; le titulaire veille à leur confidentialité. L'espace est activé par le lien envoyé par courriel.

Article 3 — Données personnelles
Les données recueillies sont nécessaires à la gestion de la restauration scolaire (mission de service public \
de la Caisse des écoles). Elles sont conservées pendant la durée de la scolarité de l'enfant puis archivées \
selon les règles des archives publiques. Vous disposez d'un droit d'accès, de rectification et de limitation \
que vous exercez auprès de la Caisse des écoles : {email}.

Article 4 — Justificatifs
Les pièces justificatives transmises (justificatifs de ressources, calendriers de garde, certificats) sont \
conservées dans un espace sécurisé et ne sont consultées que par les agents de la Caisse des écoles.

Article 5 — Paiement en ligne
Le paiement en ligne est assuré par PayFIP, service de la Direction générale des Finances publiques."""

CAISSES = [
    {
        "slug": "cde11",
        "name": "Caisse des écoles Paris 11e",
        "logo_text": "caisse\ndes écoles\nParis Onze",
        "accent_colour": "#6a1b9a",
        "contact_email": "dossier@cdeparis11.fr",
        "contact_phone": "01 53 36 51 00",
        "postal_address": "12 place Léon Blum, 75011 Paris",
        "welcome_text": "Mon espace famille CDE11-Familles : inscription et facturation de la restauration scolaire.",
        # Plausible identifiers with the public accountant (not those of a real Caisse).
        "accounting": {
            "pes_id_post": "075011",
            "pes_post_label": "SGC Paris 11e",
            "siret": "26751105900011",
            "pes_cod_col": "311",
            "pes_cod_bud": "01",
            "pes_nature": "7067",
            "pes_function": "251",
            "pes_product_code": "REST",
        },
        "news": [
            (
                "Inscriptions à la restauration scolaire 2026-2027",
                "L'inscription à la restauration scolaire pour la rentrée 2026-2027 se fait en ligne, depuis "
                "votre espace famille. L'inscription en ligne vous dispense de toute autre démarche auprès de "
                "l'école.",
                True,
            ),
            (
                "Paiement en ligne des factures",
                "Les factures de Novembre / Décembre sont disponibles dans la rubrique Factures. Le paiement en "
                "ligne par PayFIP est ouvert à partir de la date indiquée sur chaque facture.",
                False,
            ),
            (
                "Remboursement pour maladie",
                "Une absence d'au moins 3 jours consécutifs pour maladie peut être remboursée : envoyez votre "
                "demande avec le certificat médical dans un délai de 30 jours.",
                False,
            ),
            (
                "Menus de la semaine",
                "Les menus de la semaine sont affichés à l'entrée de chaque école.",
                False,
            ),
        ],
    },
    {
        "slug": "cde19",
        "name": "Caisse des écoles du 19e arrondissement",
        "logo_text": "Caisse des écoles\ndu 19e arrondissement",
        "accent_colour": "#00695c",
        # The 19e shows a Caisse with its own logo; the 11e, the name standing in for it.
        "demo_logo": ("Caisse des écoles", "Paris 19e"),
        "contact_email": "contact@cde19.fr",
        "contact_phone": "01 44 52 29 29",
        "postal_address": "5-7 place Armand Carrel, 75019 Paris",
        "welcome_text": (
            "Dédié à la restauration scolaire du 19ème arrondissement et aux séjours de vacances de la Caisse "
            "des écoles.\n\n"
            "Pour tous les autres services scolaires et périscolaires (crèche, halte-garderie, centre de "
            "loisirs, étude, conservatoire, atelier beaux-arts, etc.), rendez-vous sur le portail "
            "Facil'familles de la Ville de Paris, [veuillez cliquer ici](https://www.paris.fr/)."
        ),
        "accounting": {
            "pes_id_post": "075019",
            "pes_post_label": "SGC Paris 19e",
            "siret": "26751907200016",
            "pes_cod_col": "319",
            "pes_cod_bud": "01",
            "pes_nature": "7067",
            "pes_function": "251",
            "pes_product_code": "CANT",
        },
        "news": [
            (
                "Inscription à la restauration scolaire 2026-2027",
                "Désormais, l'inscription à la restauration scolaire et l'attribution de tarif ont été scindées "
                "en deux démarches : remplissez les deux formulaires, « Inscription scolaire rentrée 2026-2027 » "
                "et « Demande de tarif dégressif 2026-2027 ».",
                True,
            ),
            (
                "Demande de tarification de la restauration scolaire 2026-2027",
                "Désormais, l'inscription à la restauration scolaire et l'attribution de tarif ont été scindées "
                "en deux démarches. Sans justificatif de ressources, le tarif 10 (7 euros le repas) s'applique.",
                False,
            ),
            (
                "Séjours de vacances d'hiver",
                "Les séjours de vacances d'hiver de la Caisse des écoles seront bientôt publiés.",
                False,
            ),
        ],
    },
]


def demo_logo(first_line: str, second_line: str, *, colour: str) -> ContentFile:
    """A made-up logo (PNG): a plate in a rounded square, and the Caisse's name."""
    image = Image.new("RGB", (640, 200), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 10, 190, 190), radius=36, fill=colour)
    draw.ellipse((45, 45, 155, 155), outline="#ffffff", width=10)
    draw.ellipse((75, 75, 125, 125), outline="#ffffff", width=6)
    draw.text((220, 52), first_line, fill="#161616", font=ImageFont.truetype(str(REGULAR_FONT), size=48))
    draw.text((220, 108), second_line, fill=colour, font=ImageFont.truetype(str(BOLD_FONT), size=48))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return ContentFile(output.getvalue(), name="logo.png")


# The English and Arabic versions the agents wrote for some news items (docs/i18n.md); the others
# show in French on the English and Arabic pages.
NEWS_TRANSLATIONS = {
    "Inscriptions à la restauration scolaire 2026-2027": {
        "title_en": "School meals registration 2026-2027",
        "body_en": "Registration for school meals for the 2026-2027 school year is online, from your family "
        "space. Registering online means you have nothing else to do at the school.",
        "title_ar": "التسجيل في المطعم المدرسي 2026-2027",
        "body_ar": "يتم التسجيل في المطعم المدرسي للسنة الدراسية 2026-2027 عبر الإنترنت، من فضاء الأسرة. "
        "التسجيل عبر الإنترنت يعفيك من أي إجراء آخر لدى المدرسة.",
    },
    "Inscription à la restauration scolaire 2026-2027": {
        "title_en": "School meals registration 2026-2027",
        "body_en": "School meals registration and the price band are now two separate steps: fill in both "
        "forms, « School registration 2026-2027 » and « Reduced price band request 2026-2027 ».",
        "title_ar": "التسجيل في المطعم المدرسي 2026-2027",
        "body_ar": "أصبح التسجيل في المطعم المدرسي وتحديد التعريفة إجراءين منفصلين: املأ الاستمارتين، "
        "« التسجيل المدرسي 2026-2027 » و« طلب التعريفة المخفّضة 2026-2027 ».",
    },
}


def seed(*, stdout):
    today = timezone.localdate()
    caisses = {}
    for spec in CAISSES:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"slug", "news", "accounting", "demo_logo"}
        }
        caisse, created = Caisse.objects.get_or_create(slug=spec["slug"], defaults=fields)
        if not caisse.siret:
            caisse_update_profile(caisse=caisse, **spec["accounting"])
        if created or not caisse.cgu_text:
            caisse_update_cgu(
                caisse=caisse, cgu_text=CGU.format(name=caisse.name, email=caisse.contact_email)
            )
        if spec.get("demo_logo") and not caisse.logo:
            caisse_update_profile(
                caisse=caisse, logo=demo_logo(*spec["demo_logo"], colour=caisse.accent_colour)
            )
        caisses[caisse.slug] = caisse
        for rank, (title, body, pinned) in enumerate(spec["news"]):
            if not NewsItem.objects.filter(caisse=caisse, title=title).exists():
                news_save(
                    caisse=caisse,
                    title=title,
                    body=body,
                    pinned=pinned,
                    publish_date=today - datetime.timedelta(days=3 * rank),
                    **NEWS_TRANSLATIONS.get(title, {}),
                )

    stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for slug, role, email, username, civility, first_name, last_name in PEOPLE:
        user = demo_account(
            username=username,
            email=email,
            caisse=caisses[slug],
            civility=civility,
            first_name=first_name,
            last_name=last_name,
            birth_date=datetime.date(1985, 5, 17),
            street_number="12",
            street_name="rue de la Roquette" if slug == "cde11" else "avenue Jean Jaurès",
            postcode="75011" if slug == "cde11" else "75019",
            mobile_phone="06 12 34 56 78",
        )
        if role is not None:
            AgentRole.objects.get_or_create(caisse=caisses[slug], user=user, defaults={"role": role})
        label = role.label if role is not None else "Parent"
        stdout.write(f"  /{slug}/  {label:<20} {username}  ou  {email}")
    # the school staff eating at the canteen: their accounts are made by refectoire/demo/adultmeals.py
    for slug, username, email, *_rest in ADULTS:
        if slug in caisses:
            stdout.write(f"  /{slug}/  {'Restauration adulte':<20} {username}  ou  {email}")
    # the canteen staff: their accounts are made by refectoire/demo/staff.py
    for slug, username, email, *_rest in STAFF:
        if slug in caisses:
            stdout.write(f"  /{slug}/  {'Personnel de cantine':<20} {username}  ou  {email}")
