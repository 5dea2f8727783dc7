"""The home page's queue (rights.desk.queue and home_desk) as an inclusion tag, so the admin site itself stays Django's; and what
the policy watch adds to the desk (rights.policy_changes): the home's "Policy changed" items and a request's note."""
from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from rights.desk import home_desk, queue, requests_url, visible_views
from rights.policy_changes import drafts_url, policy_changes, promise_changed_notes

register = template.Library()


@register.inclusion_tag("admin/rights/_queue.html", takes_context=True)
def my_queue(context):
    request = context["request"]
    user = request.user
    if not user.has_perm("rights.view_rightsrequest"):
        return {"show": False}
    now = timezone.now()  # once, for the counts and the list below them
    return {
        "show": True,
        "items": queue(user, now=now),
        # The clocks that need someone today, of requests and complaints, mine first (rights.desk.home_desk).
        "desk": home_desk(user, now=now, show=request.GET.get("show", "")),
        "saved_views": list(visible_views(user)),
        "requests_url": requests_url(),
        "user": user,
    }


@register.inclusion_tag("admin/rights/_policy_changes.html", takes_context=True)
def policy_changed(context):
    """Policy changes the watch detected, listed until a person reviews the new version."""
    changes, more = policy_changes(context["request"].user)
    return {"changes": changes, "more_url": drafts_url() if more else ""}


@register.inclusion_tag("admin/rights/_promise_changed.html")
def promise_changed(request):
    """On an open request's page: the app changed a promise after the request reached it."""
    return {"notes": promise_changed_notes(request)}


@register.simple_tag
def named_now(entry) -> str:
    """An admin log entry's object as it reads now, in the reader's language (Django stores the name in the
    writer's language at the time: "#4 联联营商宝 · Account cancellation" in a Chinese page); the stored name
    when the object is gone. At most the page's ten entries, one query each."""
    try:
        return str(entry.get_edited_object())
    except (ObjectDoesNotExist, AttributeError):
        return entry.object_repr
