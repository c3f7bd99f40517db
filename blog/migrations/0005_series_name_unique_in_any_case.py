"""Series names are unique whatever their case (0004 merged the duplicates)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("blog", "0004_series_as_people_type_them")]

    operations = [
        migrations.AddConstraint(
            model_name="series",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                name="series_name_unique_in_any_case",
            ),
        ),
    ]
