"""Admin lists answer odd query strings with Django's "invalid filter" message, never a 500.

Django's date drill-down (`date_hierarchy`) reads `?at__year=` with int() and catches ValueError only: a
year of 26 digits raises OverflowError and the list answers 500. Every admin with a date_hierarchy uses this
mixin (tests/test_admin_query_strings.py walks them all); the list then redirects to `?e=1` as it does for any
lookup it cannot apply.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class OddInputChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class OddInputAdminMixin:
    def get_changelist(self, request, **kwargs):
        return OddInputChangeList
