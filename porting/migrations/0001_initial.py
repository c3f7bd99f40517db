# ImportedItem, taken over from moderation (moderation/migrations/0003_importeditem.py
# created its table). Only the state is created here: the table "moderation_importeditem"
# and its rows stay as they are. Its content type moves with it, so the permissions that
# point at it keep working.

import django.utils.timezone
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='porting', model='importeditem').exists():
        ContentType.objects.filter(app_label='moderation', model='importeditem').update(
            app_label='porting'
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='moderation', model='importeditem').exists():
        ContentType.objects.filter(app_label='porting', model='importeditem').update(
            app_label='moderation'
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('moderation', '0003_importeditem'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportedItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('wxr', 'WordPress (WXR)'), ('blogger', 'Blogger'), ('disqus', 'Disqus')], max_length=10)),
                        ('source_key', models.CharField(max_length=300)),
                        ('kind', models.CharField(choices=[('author', 'author'), ('series', 'series'), ('post', 'post'), ('thread', 'discussion thread'), ('comment', 'comment')], max_length=10)),
                        ('source_id', models.CharField(max_length=300)),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('source_url', models.CharField(blank=True, max_length=500)),
                        ('digest', models.CharField(blank=True, max_length=64)),
                        ('imported_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'moderation_importeditem',
                        'ordering': ['source', 'source_key', 'kind', 'id'],
                        'indexes': [models.Index(fields=['kind', 'object_id'], name='moderation__kind_d489a3_idx')],
                        'constraints': [models.UniqueConstraint(fields=('source', 'source_key', 'kind', 'source_id'), name='one_imported_item_per_source_id')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
