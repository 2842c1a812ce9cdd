"""BillingPeriod moved to schools (schools 0003): state only, the tables and their rows stay.

The foreign keys of runs and invoices (and their history) now point to schools.BillingPeriod, on
the same table; billing forgets its state of the model. The content types follow the model, so
nothing that names them (permissions, logs) is left pointing to a model that no longer exists.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("billingperiod", "historicalbillingperiod")


def move_content_types(apps, schema_editor, source="billing", target="schools"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="schools", target="billing")


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_invoiceevent_action_labels'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('schools', '0003_historicalbillingperiod_billingperiod'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='invoice',
                    name='period',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='schools.billingperiod'),
                ),
                migrations.AlterField(
                    model_name='billingrun',
                    name='period',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='run', to='schools.billingperiod'),
                ),
                migrations.AlterField(
                    model_name='historicalbillingrun',
                    name='period',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.billingperiod'),
                ),
                migrations.AlterField(
                    model_name='historicalinvoice',
                    name='period',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.billingperiod'),
                ),
                migrations.DeleteModel(
                    name='HistoricalBillingPeriod',
                ),
                migrations.DeleteModel(
                    name='BillingPeriod',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
