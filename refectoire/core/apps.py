from django.apps import AppConfig
from django.db.models import Field, ForeignObject

from refectoire.core.lookups import AnyOf


class CoreConfig(AppConfig):
    name = "refectoire.core"
    label = "core"
    verbose_name = "Réfectoire"

    def ready(self):
        # `household_id__any=ids` (core/lookups.py); relations keep their own lookups, hence twice.
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
