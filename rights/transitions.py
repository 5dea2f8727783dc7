"""Human labels of the transitions and what each asks the person for (admin buttons, messages, e-mails)."""
from django.utils.translation import gettext_lazy as _

TRANSITION_LABELS = {
    "file": _("Filed"),
    "submit": _("Submit to the app"),
    "acknowledge": _("App acknowledged"),
    "request_identity": _("App asked for identity proof"),
    "verify_identity": _("Identity verified"),
    "complete": _("App completed"),
    "confirm": _("Requester confirmed"),
    "reopen": _("Reopen"),
    "refuse": _("App refused"),
    "escalate": _("Escalate to a regulator"),
    "resolve": _("Regulator resolved"),
    "withdraw": _("Withdraw"),
    "reply": _("App replied"),
    "assign": _("Assigned"),
}

# Extra input a transition needs: "reason" (refuse), "regulator" (escalate); others take an optional note,
# which NOTE_REQUIRED (rights.models) makes mandatory.
TRANSITION_INPUTS = {
    "refuse": ("reason",),
    "escalate": ("regulator", "reference"),
}
