"""Factories build data through the real services, so tests exercise the same code as the admin."""
from datetime import datetime

import factory
from django.contrib.auth import get_user_model

from deadlines.counting import SHANGHAI


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"clerk{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """UserFactory(role=CASE_WORKER): a member of that staff group (the groups are made as migrate makes them)."""
        if extracted:
            from rights.roles import ensure_roles

            user.groups.add(ensure_roles()[extracted])

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "pw-for-tests")
        if create:
            user.save(update_fields=["password"])


def shanghai(*args) -> datetime:
    """A moment in Asia/Shanghai: shanghai(2026, 9, 28, 10) is 10:00 on 28 September 2026 local time."""
    return datetime(*args, tzinfo=SHANGHAI)


def file(app, right="account_cancellation", *, at, requester="张三", **kwargs):
    from rights.services import file_request

    return file_request(app=app, right=right, requester_name=requester, at=at, now=kwargs.pop("now", None), **kwargs)
