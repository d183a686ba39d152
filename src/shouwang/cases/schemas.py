"""What the API says about a case's evidence, for every kind that takes evidence."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from shouwang.cases.choices import EvidenceStage
from shouwang.cases.models import Evidence

# The codes of cases.evidence.check_evidence_file: the file itself is wrong, not the request.
FILE_ERROR_CODES = {"too_large", "empty", "bad_type", "corrupt"}


def as_file_error(exc: ValidationError) -> ValidationError:
    """A file check's error as an error on the `file` field; any other error unchanged."""
    if getattr(exc, "code", None) in FILE_ERROR_CODES:
        return ValidationError({"file": exc.error_list})
    return exc


class EvidenceOut(Schema):
    id: int
    stage: EvidenceStage
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    url: str = Field(description="download path; needs the same authentication")

    @classmethod
    def of(cls, e: Evidence) -> EvidenceOut:
        return cls(
            id=e.pk,
            stage=EvidenceStage(e.stage),
            original_name=e.original_name,
            content_type=e.content_type,
            size=e.size,
            sha256=e.sha256,
            uploaded_by=str(e.uploaded_by) if e.uploaded_by else "",
            uploaded_at=e.uploaded_at,
            # Files are served only through the access-checked download view, never MEDIA_URL.
            url=reverse("cases:evidence-download", args=[e.pk]),
        )
