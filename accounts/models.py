"""Staff groups as the admin shows them."""

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from rights.roles import role_label


class Role(Group):
    """A group by the name people read: the built-in roles (rights.roles) translated, "案件处理人" on a Chinese
    page and "case worker" on an English one; the stored name stays the stable code the code looks up."""

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(role_label(self.name))
