import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    # Assert on the English source strings of messages, whatever translations are added later.
    with translation.override("en"):
        yield
