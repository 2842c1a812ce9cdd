from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from refectoire.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données (dans son propre format) et les fichiers privés (MEDIA_ROOT) "
        "dans un fichier, avec un manifeste et les sommes de contrôle."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="fichier de la sauvegarde, ex. /srv/sauvegardes/2027-03-01.tar"
        )

    def handle(self, *args, output, **options):
        output = Path(output)
        if not output.parent.is_dir():
            raise CommandError(f"Le dossier {output.parent} n'existe pas.")
        try:
            manifest = backup(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = len(manifest["files"]) - 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {output} (base {manifest['database']}, {files} fichier(s) privé(s))."
            )
        )
