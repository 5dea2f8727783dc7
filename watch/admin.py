"""The watch in the admin: an app's watched URLs on its own page (and a list of all), and the snapshots, read only."""
from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import App

from .models import PolicySnapshot, WatchedSource
from .services import WatchRefused, check_source

_STATE = ("last_checked_at", "last_status", "last_http_status", "last_error", "consecutive_failures", "next_check_at")


class WatchedSourceForm(forms.ModelForm):
    # A URL typed without a scheme is https (Django 6's default; policies' admin assumes the same).
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")

    class Meta:
        model = WatchedSource
        fields = ("app", "url", "check_every_hours")

    def clean(self):
        data = super().clean()
        app, url = data.get("app") or getattr(self.instance, "app", None), data.get("url")
        if app is not None and url:
            try:
                data["url"] = check_source(
                    app=app, url=url, check_every_hours=data.get("check_every_hours") or 24, exclude_pk=self.instance.pk
                )
            except WatchRefused as e:
                raise forms.ValidationError({"url": str(e)}) from None
        return data

    def save(self, commit=True):
        if self.instance.created_at is None:
            self.instance.created_at = timezone.now()
        return super().save(commit)


class WatchedSourceInline(admin.TabularInline):
    """On the App page: add a URL to watch, see how its last check went."""

    model = WatchedSource
    form = WatchedSourceForm
    fields = ("url", "check_every_hours", *_STATE)
    readonly_fields = _STATE
    extra = 0
    verbose_name_plural = _("watched sources (policy watch)")


@admin.register(WatchedSource)
class WatchedSourceAdmin(admin.ModelAdmin):
    form = WatchedSourceForm
    list_display = ("app", "url", "last_status", "last_checked_at", "consecutive_failures", "next_check_at")
    list_filter = ("last_status",)
    search_fields = ("app__name", "url")
    readonly_fields = _STATE
    autocomplete_fields = ("app",)


@admin.register(PolicySnapshot)
class PolicySnapshotAdmin(admin.ModelAdmin):
    """Snapshots are evidence: shown, never added, changed or deleted here."""

    list_display = ("source", "fetched_at", "is_change", "policy_version", "promise_changes")
    list_filter = ("is_change",)
    search_fields = ("source__app__name", "source__url")
    fields = ("source", "fetched_at", "final_url", "http_status", "policy_version", "is_change", "promise_diff", "text_sha256", "text", "headers")
    readonly_fields = fields

    @admin.display(description=_("promise changes"))
    def promise_changes(self, snapshot):
        return len(snapshot.promise_diff)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The App page is policies' (a lower layer, which never imports the watch): the watch adds its inline there.
_app_admin = admin.site._registry.get(App)
if _app_admin is not None and WatchedSourceInline not in _app_admin.inlines:
    _app_admin.inlines = [*_app_admin.inlines, WatchedSourceInline]
