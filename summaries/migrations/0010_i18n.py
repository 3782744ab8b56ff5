from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0009_staff"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="language",
            field=models.CharField(default="en", max_length=16),
        ),
    ]
