"""Menus: per Caisse, menu groups (the schools one kitchen serves), weeks of menus (draft or
published) and their dishes by day and course, with allergens and quality labels."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from refectoire.caisses.querysets import CaisseQuerySet
from refectoire.core.lifecycle import Lifecycle, TransitionEvent, register
from refectoire.core.models import TimeStampedModel
from refectoire.enrollment.enums import allergen_names
from refectoire.menus.enums import MENU_WEEK_LIFECYCLE, Course, MenuWeekState, QualityLabel


class MenuGroup(TimeStampedModel):
    """The schools served one menu (one kitchen); a Caisse may have one group or several."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey("caisses.Caisse", on_delete=models.PROTECT, related_name="menu_groups")
    name = models.CharField(_("nom"), max_length=100)
    schools = models.ManyToManyField("schools.School", related_name="menu_groups", blank=True)

    objects = CaisseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe de menus")
        verbose_name_plural = _("groupes de menus")
        constraints = [models.UniqueConstraint(fields=["caisse", "name"], name="menu_group_unique_name")]

    def __str__(self):
        return self.name


class MenuWeekQuerySet(CaisseQuerySet):
    caisse_path = "group__caisse"

    def published(self):
        return self.filter(state=MenuWeekState.PUBLISHED)


class MenuWeek(TimeStampedModel):
    """The menus of one group for the week starting on `monday`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(MenuGroup, on_delete=models.PROTECT, related_name="weeks")
    monday = models.DateField(_("semaine du"))
    state = models.CharField(
        _("état"), max_length=20, choices=MenuWeekState.choices, default=MenuWeekState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MenuWeekQuerySet.as_manager()

    class Meta:
        ordering = ["monday"]
        verbose_name = _("semaine de menus")
        verbose_name_plural = _("semaines de menus")
        constraints = [models.UniqueConstraint(fields=["group", "monday"], name="menu_week_one_per_group")]

    def __str__(self):
        return f"{self.group} — {self.monday:%d/%m/%Y}"


class MenuWeekEvent(TransitionEvent):
    week = models.ForeignKey(MenuWeek, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=MenuWeekState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=MenuWeekState.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class Dish(TimeStampedModel):
    """One dish of a day's menu: its course, its name, its allergens and quality labels (codes)."""

    week = models.ForeignKey(MenuWeek, on_delete=models.CASCADE, related_name="dishes")
    day = models.DateField(_("jour"))
    course = models.CharField(_("composante"), max_length=20, choices=Course.choices)
    name = models.CharField(_("plat"), max_length=200)
    allergens = models.JSONField(_("allergènes"), default=list, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "position", "pk"]
        verbose_name = _("plat")
        verbose_name_plural = _("plats")

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.get_course_display()} : {self.name}"

    @property
    def allergen_names(self) -> str:
        return allergen_names(self.allergens)

    @property
    def label_names(self) -> str:
        labels = dict(QualityLabel.choices)
        return ", ".join(str(labels[code]) for code in self.labels if code in labels)

    @property
    def is_vegetarian(self) -> bool:
        return QualityLabel.VEGETARIAN in self.labels


COURSE_ORDER = {code: index for index, code in enumerate(Course.values)}


register(
    MenuWeek,
    Lifecycle(
        states=MenuWeekState,
        table=MENU_WEEK_LIFECYCLE,
        event_model=MenuWeekEvent,
        event_field="week",
        refused=_("Cette semaine est « %(state)s » : elle ne peut pas changer ainsi."),
    ),
)
