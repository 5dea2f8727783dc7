"""Create the staff roles and a demo login (printed), for the README's first command."""
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model

from config.commands import Command as BaseCommand
from rights.roles import CASE_WORKER, ensure_roles


class Command(BaseCommand):
    help = "Create the roles and a demo administrator; print the login."

    def handle(self, *args, **options):
        groups = ensure_roles()
        User = get_user_model()
        login_file = settings.VAR_DIR / "demo-login.txt"
        user = User.objects.filter(username="demo").first()
        if user is None or not login_file.exists():
            password = secrets.token_urlsafe(9)
            user = user or User(username="demo", email="demo@localhost")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(password + "\n")
        user.groups.add(groups[CASE_WORKER])
        password = login_file.read_text().strip()
        self.stdout.write(f"Demo login: user 'demo', password '{password}'  (stored in {login_file})")
