"""The Instructors group: its members may open classroom pages (createinstructor adds them)."""
from django.db import migrations


def add_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="Instructors")


class Migration(migrations.Migration):
    dependencies = [("classroom", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(add_group, migrations.RunPython.noop)]
