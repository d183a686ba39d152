"""Checks on uploaded evidence: the bytes must be what the name claims, and not too large."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Content types we accept, recognised by their first bytes rather than by the client's say-so.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    name: str


def check_evidence_file(upload: UploadedFile[bytes]) -> CheckedFile:
    limit = int(settings.EVIDENCE_MAX_BYTES)
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            _("文件过大:%(size).1f MB,上限 %(limit).1f MB。"),
            params={"size": size / 1e6, "limit": limit / 1e6},
            code="too_large",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("文件过大。"), code="too_large")
    if not content:
        raise ValidationError(_("文件为空。"), code="empty")
    match = next((s for s in _SIGNATURES if content.startswith(s[0])), None)
    if match is None:
        raise ValidationError(_("只接受 JPEG、PNG 图片或 PDF 文件。"), code="bad_type")
    content_type, extension = match[1], match[2]
    if content_type.startswith("image/"):
        try:
            with Image.open(BytesIO(content)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise ValidationError(_("图片文件已损坏,无法读取。"), code="corrupt") from None
    name = (upload.name or f"evidence.{extension}").rsplit("/", 1)[-1][:200]
    return CheckedFile(
        content=content,
        content_type=content_type,
        extension=extension,
        sha256=hashlib.sha256(content).hexdigest(),
        name=name,
    )
