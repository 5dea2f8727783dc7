"""The home page's queue (rights.desk.queue) as an inclusion tag, so the admin site itself stays Django's."""
from django import template
from django.utils import timezone

from rights.desk import desk_clocks, queue, requests_url, visible_views

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
        # The complaints' and regulators' clocks that are due soon, overdue or past the statute, listed: they
        # are few, and each is a letter to chase (a request's own clocks are behind the counts' links).
        "clocks": desk_clocks(now=now, tracks_only=True),
        "saved_views": list(visible_views(user)),
        "requests_url": requests_url(),
        "user": user,
    }
