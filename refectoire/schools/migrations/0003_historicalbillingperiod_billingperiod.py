"""BillingPeriod moves from billing to schools: state only, the tables and their rows stay.

The model keeps its tables (`billing_billingperiod`, `billing_historicalbillingperiod`);
billing 0006 then points its foreign keys here and forgets its own state of the model.
"""

import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_invoiceevent_action_labels'),
        ('caisses', '0004_caisse_logo_and_primary_colour'),
        ('schools', '0002_historicalcalendarentry_historicalclosure_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='HistoricalBillingPeriod',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='créé le')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='modifié le')),
                    ('uuid', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)),
                    ('label', models.CharField(max_length=100, verbose_name='libellé')),
                    ('start_date', models.DateField(verbose_name='premier jour')),
                    ('end_date', models.DateField(verbose_name='dernier jour')),
                    ('payment_opens_at', models.DateTimeField(blank=True, null=True, verbose_name='ouverture du paiement en ligne')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name="date d'échéance")),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('caisse', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.caisse')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('school_year', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.schoolyear')),
                ],
                options={
                    'verbose_name': 'historical période de facturation',
                    'verbose_name_plural': 'historical périodes de facturation',
                    'db_table': 'billing_historicalbillingperiod',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='BillingPeriod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                    ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('label', models.CharField(max_length=100, verbose_name='libellé')),
                    ('start_date', models.DateField(verbose_name='premier jour')),
                    ('end_date', models.DateField(verbose_name='dernier jour')),
                    ('payment_opens_at', models.DateTimeField(blank=True, null=True, verbose_name='ouverture du paiement en ligne')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name="date d'échéance")),
                    ('caisse', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='billing_periods', to='caisses.caisse')),
                    ('school_year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='billing_periods', to='schools.schoolyear')),
                ],
                options={
                    'verbose_name': 'période de facturation',
                    'verbose_name_plural': 'périodes de facturation',
                    'db_table': 'billing_billingperiod',
                    'ordering': ['start_date'],
                    'constraints': [models.UniqueConstraint(fields=('caisse', 'start_date'), name='billing_period_start_unique_per_caisse'), models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='billing_period_end_after_start', violation_error_message='Le dernier jour doit suivre le premier.')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
