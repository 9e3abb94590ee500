"""Saved filters, moved here from the responses app with their rows and permissions.

The model state arrives as it left responses (0013); the table is renamed
from responses_savedfilter, keeping every row. The content type changes app
label, so the permissions that point at it, and the groups (curators) and
users who hold them, follow: ``responses.add_savedfilter`` becomes
``savedfilters.add_savedfilter``. Reversible: the table and the content type
go back.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODEL = "savedfilter"


def move_content_type(apps, old_app, new_app):
    """Give the model's content type, its permissions and their holders to ``new_app``.

    If ``new_app`` already has one (post_migrate creates it for a model it
    finds without, after an unapply), the grants move to it and the old goes.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    old = ContentType.objects.filter(app_label=old_app, model=MODEL).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=new_app, model=MODEL).first()
    if new is None:
        old.app_label = new_app
        old.save(update_fields=["app_label"])
        return
    for permission in Permission.objects.filter(content_type=old):
        kept, _ = Permission.objects.get_or_create(
            content_type=new, codename=permission.codename, defaults={"name": permission.name}
        )
        for group in Group.objects.filter(permissions=permission):
            group.permissions.add(kept)
        for user in User.objects.filter(user_permissions=permission):
            user.user_permissions.add(kept)
    old.delete()


def forwards(apps, schema_editor):
    move_content_type(apps, "responses", "savedfilters")


def backwards(apps, schema_editor):
    move_content_type(apps, "savedfilters", "responses")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("responses", "0013_saved_filters_leave"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SavedFilter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='What the filters select, such as "EU threats".', max_length=100)),
                        ('query', models.TextField(help_text="The list's query string: its filters, search and ordering.")),
                        ('created_at', models.DateTimeField(auto_now_add=True, help_text='When it was saved.')),
                        ('content_type', models.ForeignKey(help_text='The list the filters apply to.', on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('owner', models.ForeignKey(blank=True, help_text='Who saved it; empty when it is shared with every curator.', null=True, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'responses_savedfilter',
                        'ordering': ['name'],
                        'constraints': [models.UniqueConstraint(fields=('content_type', 'owner', 'name'), name='saved_filter_unique_name', violation_error_code='unique', violation_error_message='A saved filter with this name already exists here.')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="savedfilter", table=None),
        migrations.RunPython(forwards, backwards),
    ]
