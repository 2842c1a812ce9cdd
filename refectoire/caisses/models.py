import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses import accounting
from refectoire.caisses.enums import AgentRoleKind, SchoolZone
from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.caisses.theme import DEFAULT_PRIMARY, validate_primary_colour
from refectoire.caisses.urls import caisse_reverse
from refectoire.core.models import TimeStampedModel
from refectoire.core.validators import (
    EDITORIAL_TEXT_MAX,
    FREE_TEXT_MAX,
    validate_editorial_text,
    validate_free_text,
)

slug_validator = RegexValidator(r"^[a-z0-9][a-z0-9-]{1,30}$", _("Lettres minuscules, chiffres et tirets."))
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Une couleur au format #RRGGBB."))

# Slugs that would shadow a site-wide URL.
RESERVED_SLUGS = {"admin", "static", "dev", "media", "api", "health"}


def logo_path(caisse, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"caisses/{caisse.uuid}/logo-{uuid.uuid4().hex[:12]}.{extension}"


class CaissesQuerySet(models.QuerySet):
    """The Caisses themselves (the tenants); their rows use CaisseQuerySet."""

    def active(self):
        return self.filter(is_active=True)


class Caisse(TimeStampedModel):
    """A Caisse des écoles: the tenant. Every URL of its portal starts with its slug."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("identifiant dans l'adresse"), unique=True, validators=[slug_validator])
    name = models.CharField(_("nom"), max_length=200)
    logo_text = models.CharField(
        _("nom affiché sans logo"),
        max_length=200,
        help_text=_(
            "Le nom de la Caisse en tête des pages tant qu'aucun logo n'est envoyé : deux ou trois lignes, "
            "séparées par des retours."
        ),
    )
    # The Caisse's own logo (PNG or JPEG, checked by core/uploads.py), kept in the private storage
    # and served by public:logo; without it, logo_text stands in its place.
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=200)
    accent_colour = models.CharField(
        _("couleur principale"),
        max_length=7,
        default=DEFAULT_PRIMARY,
        validators=[colour_validator, validate_primary_colour],
        help_text=_(
            "Couleur des boutons, liens et titres. Elle doit rester lisible sur le fond blanc des pages : "
            "un contraste d'au moins 4,5 pour 1 est vérifié à l'enregistrement."
        ),
    )
    contact_email = models.EmailField(_("courriel de contact"))
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    postal_address = models.TextField(
        _("adresse postale"), blank=True, max_length=FREE_TEXT_MAX, validators=[validate_free_text]
    )
    welcome_text = models.TextField(
        _("texte d'accueil"), blank=True, max_length=FREE_TEXT_MAX, validators=[validate_free_text]
    )
    cgu_text = models.TextField(
        _("conditions générales d'utilisation"),
        blank=True,
        max_length=EDITORIAL_TEXT_MAX,
        validators=[validate_editorial_text],
    )
    cgu_updated_at = models.DateTimeField(_("CGU mises à jour le"), null=True, blank=True)
    school_zone = models.CharField(
        _("zone de vacances scolaires"), max_length=1, choices=SchoolZone.choices, default=SchoolZone.C
    )
    is_active = models.BooleanField(_("en service"), default=True)

    # Identifiers with the public accountant (Hélios), written in the PES V2 exports.
    pes_id_post = models.CharField(
        _("codique du poste comptable"),
        max_length=7,
        blank=True,
        validators=[accounting.validate_id_post],
        help_text=_("Numéro codique de la trésorerie (IdPost), 6 ou 7 chiffres, donné par le comptable."),
    )
    pes_post_label = models.CharField(
        _("libellé du poste comptable"),
        max_length=38,
        blank=True,
        help_text=_("Facultatif, 38 caractères au plus. Exemple : SGC Paris Centre."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[accounting.validate_siret],
        help_text=_("Les 14 chiffres du SIRET de la Caisse des écoles (IdColl), sans espace."),
    )
    pes_cod_col = models.CharField(
        _("code collectivité"),
        max_length=3,
        blank=True,
        validators=[accounting.validate_cod_col, accounting.validate_not_only_zeros],
        help_text=_("Code de la collectivité dans Hélios (CodCol), 3 chiffres."),
    )
    pes_cod_bud = models.CharField(
        _("code budget"),
        max_length=2,
        blank=True,
        validators=[accounting.validate_cod_bud],
        help_text=_("Code du budget dans Hélios (CodBud), 2 caractères, par exemple 01."),
    )
    pes_nature = models.CharField(
        _("compte de nature"),
        max_length=12,
        blank=True,
        default="7067",
        validators=[accounting.validate_nature],
        help_text=_(
            "Compte budgétaire des recettes de restauration (Nature). En M14 et M57 : 7067, redevances "
            "et droits des services périscolaires et d'enseignement."
        ),
    )
    pes_function = models.CharField(
        _("code fonction"),
        max_length=10,
        blank=True,
        validators=[accounting.validate_function],
        help_text=_(
            "Facultatif : seulement si votre budget est voté avec une présentation par fonction "
            "(M14, M57), par exemple 251 (hébergement et restauration scolaires)."
        ),
    )
    pes_product_code = models.CharField(
        _("code produit local"),
        max_length=4,
        blank=True,
        validators=[accounting.validate_product_code, accounting.validate_not_only_zeros],
        help_text=_(
            "Code produit de la restauration convenu avec le comptable (CodProdLoc), 4 caractères au plus."
        ),
    )

    history = HistoricalRecords()
    objects = CaissesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Caisse des écoles")
        verbose_name_plural = _("Caisses des écoles")

    def __str__(self):
        return self.name

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Cet identifiant est réservé.")})

    def absolute_url(self, viewname: str, *, args=None, kwargs=None, query: str = "") -> str:
        """The full address of one of this Caisse's pages, for e-mails and PDFs."""
        return settings.BASE_URL + caisse_reverse(self, viewname, args=args, kwargs=kwargs, query=query)


class AgentRoleQuerySet(CaisseQuerySet):
    def for_caisse(self, caisse):
        """Only the active roles count in a Caisse."""
        return super().for_caisse(caisse).filter(is_active=True)


class AgentRole(TimeStampedModel):
    """An account's role in the back office of one Caisse."""

    caisse = models.ForeignKey(Caisse, on_delete=models.CASCADE, related_name="agent_roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_roles")
    role = models.CharField(
        _("rôle"), max_length=20, choices=AgentRoleKind.choices, default=AgentRoleKind.AGENT
    )
    is_active = models.BooleanField(_("actif"), default=True)

    history = HistoricalRecords()
    objects = AgentRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle d'agent")
        verbose_name_plural = _("rôles d'agents")
        constraints = [
            models.UniqueConstraint(fields=["caisse", "user"], name="agent_role_one_per_caisse_and_user"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.caisse.slug})"

    @property
    def is_manager(self) -> bool:
        return self.role == AgentRoleKind.MANAGER
