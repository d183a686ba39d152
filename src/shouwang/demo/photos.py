"""A few stock photos shared by every demo evidence row.

Evidence files are stored by content hash (`cases.models.evidence_path`), so a thousand
evidence rows that show the same picture point at one file, exactly as real uploads of the
same bytes would.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from random import Random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from shouwang.cases.models import Evidence, evidence_path

_PALETTE = ((176, 58, 46), (40, 116, 166), (39, 174, 96), (202, 111, 30), (120, 120, 120))


@dataclass(frozen=True)
class StockPhoto:
    path: str
    size: int
    sha256: str


def _picture(rng: Random, width: int, height: int) -> bytes:
    """A plain scene: a wall, a floor and a few boxes, enough to look like a site photo."""
    wall = rng.choice(_PALETTE)
    image = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(90, 90, 90))
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randrange(width - 60), rng.randrange(height // 3, height - 40)
        draw.rectangle(
            (x, y, x + rng.randint(30, 80), y + rng.randint(20, 50)), fill=rng.choice(_PALETTE)
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def stock_photos(count: int = 6) -> list[StockPhoto]:
    """Make (once) and return the stock photos. Uses its own seed: the pictures never vary."""
    rng = Random(2260)
    photos: list[StockPhoto] = []
    for _ in range(count):
        content = _picture(rng, 480, 360)
        sha = hashlib.sha256(content).hexdigest()
        path = evidence_path(Evidence(sha256=sha), "photo.jpg")
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(content))
        photos.append(StockPhoto(path=path, size=len(content), sha256=sha))
    return photos
