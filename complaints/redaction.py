"""The complaint track's part of a redaction (rights.services.redaction): the requester's details for complaints,
an agent's documents, the drafted texts (they quote the requester) and the complaints' evidence files."""

from __future__ import annotations

from datetime import datetime

from rights.models import RightsRequest
from rights.services.redaction import MARKER, redact_files

from .models import Complaint, ComplaintEvidence, RequesterDetails

TEXT_FIELDS = ("phone", "address", "postcode", "email", "agent_name", "agent_phone", "agent_address")
FILE_FIELDS = ("power_of_attorney", "agent_identity_document")


def redact_complaints(request: RightsRequest, now: datetime) -> dict:
    fields, files = [], []
    details = RequesterDetails.objects.filter(request=request).first()
    if details is not None:
        files += [getattr(details, name).name for name in FILE_FIELDS if getattr(details, name).name]
        RequesterDetails.objects.filter(pk=details.pk).update(
            **{name: MARKER if name != "email" and name != "postcode" else "" for name in TEXT_FIELDS},
            **dict.fromkeys(FILE_FIELDS, ""),
        )
        fields += [f"complaint_details.{name}" for name in (*TEXT_FIELDS, *FILE_FIELDS)]
    if Complaint.objects.filter(request=request).update(text=MARKER, text_en=MARKER):
        fields += ["complaint.text", "complaint.text_en"]
    files += redact_files(ComplaintEvidence.objects.filter(complaint__request=request), now)
    return {"fields": fields, "files": files}
