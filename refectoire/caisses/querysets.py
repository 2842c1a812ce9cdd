from django.db import models


class CaisseQuerySet(models.QuerySet):
    """The rows of a tenant-owned model, scoped to one Caisse: every fetch starts here.

    `caisse_path` is the lookup from the model to its Caisse (`"caisse"`, or `"household__caisse"`
    for a model owned through its household). `for_caisse` takes a Caisse or its id.
    """

    caisse_path = "caisse"

    def for_caisse(self, caisse):
        return self.filter(**{self.caisse_path: caisse})
