"""`manage.py createinstructor NAME`: an instructor account (a Django user in the
Instructors group). Run it again with --reset-password to give a forgotten
password a new one. The password is read from the environment variable named
by --password-env, or generated and printed once."""
import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from learnkafka.classroom.views import INSTRUCTORS_GROUP


class Command(BaseCommand):
    help = "Create an instructor account, or reset an instructor's password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", default="",
                            help="name of an environment variable holding the password")
        parser.add_argument("--reset-password", action="store_true",
                            help="set a new password for an existing instructor")

    def handle(self, *args, username, email, password_env, reset_password, **options):
        users = get_user_model()
        password = os.environ.get(password_env, "") if password_env else ""
        if password_env and not password:
            raise CommandError(f"${password_env} is empty.")
        generated = not password
        password = password or secrets.token_urlsafe(12)
        user = users.objects.filter(username=username).first()
        if reset_password:
            if user is None:
                raise CommandError(f"There is no user {username!r}.")
        elif user is not None:
            raise CommandError(f"{username!r} exists; use --reset-password for a new password.")
        else:
            user = users.objects.create_user(username=username, email=email)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=INSTRUCTORS_GROUP)[0])
        verb = "Password reset for" if reset_password else "Instructor created:"
        self.stdout.write(f"{verb} {username}")
        if generated:
            self.stdout.write(f"Password: {password}")
