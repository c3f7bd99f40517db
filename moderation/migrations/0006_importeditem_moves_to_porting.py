# ImportedItem now belongs to the porting app (its first migration takes it
# over). Only Django's idea of the model moves: the table and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0005_hold_first_comment_needs_confirmation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportedItem')],
            database_operations=[],
        ),
    ]
