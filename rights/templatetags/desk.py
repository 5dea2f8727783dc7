"""The home page's queue (rights.desk.queue) as an inclusion tag, so the admin site itself stays Django's."""
from django import template

from rights.desk import queue, requests_url, visible_views

register = template.Library()


@register.inclusion_tag("admin/rights/_queue.html", takes_context=True)
def my_queue(context):
    request = context["request"]
    user = request.user
    if not user.has_perm("rights.view_rightsrequest"):
        return {"show": False}
    return {
        "show": True,
        "items": queue(user),
        "saved_views": list(visible_views(user)),
        "requests_url": requests_url(),
        "user": user,
    }
