from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0011_daily_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="compensation",
            name="code",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=64, verbose_name="code"
            ),
        ),
        migrations.AddField(
            model_name="compensation",
            name="redeem_instructions",
            field=models.TextField(
                blank=True, db_default="", default="", verbose_name="how to use it"
            ),
        ),
    ]
