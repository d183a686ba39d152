"""A report's materials (报案材料): what the victim brought, attached on the page or by API,
checked by content and size, all or nothing, seen only where the report is seen."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouwang.antifraud.actions import do_register_report
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport
from shouwang.antifraud.tests.factories import report_payload
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_close_case
from shouwang.cases.models import Evidence
from shouwang.common.apitest import errors_of, session_client, token_client
from shouwang.common.testing import Cast, make_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def report(cast: Cast) -> FraudReport:
    return do_register_report(parse_report(report_payload(cast)), actor=cast.alice)


def jpeg(name: str, colour: str = "red") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(colour), content_type="image/jpeg")


def test_an_officer_attaches_screenshots_and_only_the_jurisdiction_sees_them(
    cast: Cast, media: None
) -> None:
    r = report(cast)
    url = reverse("antifraud:report-materials", args=[r.pk])
    page = session_client(cast.alice).post(
        url, {"file": [jpeg("聊天记录1.jpg"), jpeg("转账凭证.jpg", "blue")]}, follow=True
    )
    assert "已上传 2 个文件" in page.content.decode()
    stored = list(r.evidence.order_by("pk"))
    assert [e.original_name for e in stored] == ["聊天记录1.jpg", "转账凭证.jpg"]
    assert {e.stage for e in stored} == {"material"}
    assert AuditEvent.objects.filter(action="case.evidence", object_id=str(r.pk)).count() == 2
    detail = session_client(cast.alice).get(reverse("antifraud:report-detail", args=[r.pk]))
    download = reverse("cases:evidence-download", args=[stored[0].pk])
    assert download in detail.content.decode()
    assert session_client(cast.alice).get(download).status_code == 200
    assert session_client(cast.charlie).get(download).status_code == 404  # another district
    assert session_client(cast.dora).get(download).status_code == 404  # a bank desk
    # Another district cannot attach to it either, and a partner desk may not attach at all.
    assert session_client(cast.charlie).post(url, {"file": [jpeg("x.jpg")]}).status_code == 404
    assert session_client(cast.dora).post(url, {"file": [jpeg("x.jpg")]}).status_code == 403
    assert r.evidence.count() == 2


def test_one_bad_file_stores_none_and_says_which(cast: Cast, media: None, settings: Any) -> None:
    r = report(cast)
    url = reverse("antifraud:report-materials", args=[r.pk])
    settings.EVIDENCE_MAX_BYTES = 2_000
    big = SimpleUploadedFile("大图.jpg", make_jpeg(size=(800, 800)), content_type="image/jpeg")
    assert big.size is not None and big.size > 2_000
    page = session_client(cast.alice).post(url, {"file": [jpeg("ok.jpg"), big]}, follow=True)
    assert "大图.jpg: 文件过大" in page.content.decode()
    text = SimpleUploadedFile("note.txt", b"just words", content_type="image/jpeg")
    page = session_client(cast.alice).post(url, {"file": [text]}, follow=True)
    assert "只接受 JPEG、PNG 图片或 PDF 文件" in page.content.decode()
    assert not Evidence.objects.exists()
    do_close_case(r, note="已结案", actor=cast.alice)
    page = session_client(cast.alice).post(url, {"file": [jpeg("late.jpg")]}, follow=True)
    assert "已结束的案件不能再上传证据" in page.content.decode()
    assert not Evidence.objects.exists()


def test_materials_over_the_api(cast: Cast, media: None, settings: Any) -> None:
    r = report(cast)
    url = f"/api/v1/antifraud/reports/{r.pk}/materials"
    alice = token_client(cast.alice)
    created = alice.post(url, {"file": jpeg("截图.jpg")})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["stage"] == "material" and body["content_type"] == "image/jpeg"
    assert body["url"] == reverse("cases:evidence-download", args=[body["id"]])
    assert [m["original_name"] for m in alice.get(url).json()] == ["截图.jpg"]
    settings.EVIDENCE_MAX_BYTES = 100
    assert "file" in errors_of(alice.post(url, {"file": jpeg("big.jpg")}))
    assert r.evidence.count() == 1
    charlie = token_client(cast.charlie)
    assert charlie.get(url).status_code == 404
    assert charlie.post(url, {"file": jpeg("x.jpg")}).status_code == 404
    assert token_client(cast.dora).get(url).status_code == 404
