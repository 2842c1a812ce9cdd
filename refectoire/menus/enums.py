from django.db import models
from django.utils.translation import gettext_lazy as _

from refectoire.core.roles import AGENT


class Course(models.TextChoices):
    """The courses of a school meal, in the order they are served (codes of docs/formats-menus.md)."""

    STARTER = "entree", _("Entrée")
    MAIN = "plat", _("Plat")
    SIDE = "accompagnement", _("Accompagnement")
    DAIRY = "produit_laitier", _("Produit laitier")
    DESSERT = "dessert", _("Dessert")
    SNACK = "gouter", _("Goûter")


class QualityLabel(models.TextChoices):
    """A dish's quality labels (codes of docs/formats-menus.md); `vegetarien` marks the vegetarian meal."""

    ORGANIC = "bio", _("Bio")
    LABEL_ROUGE = "label_rouge", _("Label rouge")
    AOP_IGP = "aop_igp", _("AOP / IGP")
    SUSTAINABLE_FISHING = "peche_durable", _("Pêche durable")
    LOCAL = "local", _("Produit local")
    HOMEMADE = "fait_maison", _("Fait maison")
    VEGETARIAN = "vegetarien", _("Végétarien")


# The labels EGAlim counts as « durables et de qualité » among ours (loi EGAlim, article 24).
EGALIM_LABELS = {
    QualityLabel.ORGANIC,
    QualityLabel.LABEL_ROUGE,
    QualityLabel.AOP_IGP,
    QualityLabel.SUSTAINABLE_FISHING,
}


class MenuWeekState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")


# A week is drafted, then published: families see it from then on. A published week stays
# published; its dishes may still be corrected (a dish replaced), and families see the correction.
MENU_WEEK_LIFECYCLE = {
    MenuWeekState.DRAFT: {MenuWeekState.PUBLISHED: {AGENT}},
    MenuWeekState.PUBLISHED: {},
}
