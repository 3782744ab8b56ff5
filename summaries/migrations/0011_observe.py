# The W3C trace context of the POST, kept on the row (observability/tracing.py), and an index for the last day of sent rows.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('summaries', '0010_i18n'),
    ]

    operations = [
        migrations.AddField(
            model_name='submission',
            name='trace_context',
            field=models.CharField(blank=True, default='', editable=False, max_length=55),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['sent_at'], name='summaries_sent_at_idx'),
        ),
    ]
