from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from refectoire.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par `backup` : vérifie chaque somme de contrôle, puis remplace "
        "la base de données et écrit les fichiers privés (MEDIA_ROOT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier de la sauvegarde")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="ne pas demander de confirmation",
        )

    def handle(self, *args, file, interactive, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"Fichier introuvable : {source}")
        if interactive:
            answer = input(
                "La base de données actuelle sera remplacée par celle de la sauvegarde. "
                "Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée.")
        try:
            restored = restore(source=source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde restaurée : base {restored.database}, {restored.files} fichier(s) privé(s)."
            )
        )
        if restored.left_in_place:
            self.stdout.write(
                f"{len(restored.left_in_place)} fichier(s) de MEDIA_ROOT absent(s) de la sauvegarde, laissé(s) en place."
            )
