"""Write the DSFR's stylesheets and scripts, without the State's identity, under refectoire/static/dsfr/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from refectoire.core.dsfr_assets import VENDORED_FILES, vendored_text


class Command(BaseCommand):
    help = "Copie les feuilles de style et scripts du DSFR (paquet django-dsfr) sans l'identité de l'État."

    def handle(self, *args, **options):
        target = Path(settings.BASE_DIR) / "refectoire" / "static" / "dsfr" / "dist"
        for relative in VENDORED_FILES:
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(vendored_text(relative), encoding="utf-8")
            self.stdout.write(f"{path.relative_to(settings.BASE_DIR)}")
