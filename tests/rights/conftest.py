"""Fixtures of the rights admin's page tests (test_admin.py, test_admin_case.py); a module's own fixture of the
same name wins."""

import pytest

from rights.roles import AUDITOR, CASE_WORKER
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def clerk(roles):
    return UserFactory(username="clerk", role=CASE_WORKER)


@pytest.fixture
def auditor(roles):
    return UserFactory(username="auditor", role=AUDITOR)


@pytest.fixture
def lumiere(catalog):
    return catalog["卢米埃影城"]


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client
