"""The anti-fraud centre over HTTP: /api/v1/antifraud/. Police systems register reports; partner
systems (bank, carrier) read and answer their own requests with a token; anyone with lookup
rights asks the blocklist. Every write is an action; every read is scoped."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from shouwang.antifraud.actions import (
    do_answer_request,
    do_cancel_request,
    do_confirm_indicator,
    do_register_report,
)
from shouwang.antifraud.blocklist import blocklist_csv_response, lookup
from shouwang.antifraud.choices import IndicatorKind, ReportChannel
from shouwang.antifraud.filters import ReportFilter, RequestFilter
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, PartnerRequest
from shouwang.antifraud.queries import (
    access_indicator,
    access_report,
    access_request,
    reports_for_user,
    requests_for_user,
)
from shouwang.antifraud.schemas import (
    AnswerIn,
    CancelIn,
    LookupOut,
    NoteIn,
    ReportIn,
    ReportOut,
    RequestOut,
)
from shouwang.cases.actions import do_add_evidence, do_close_case
from shouwang.cases.choices import EvidenceStage
from shouwang.cases.schemas import EvidenceOut, as_file_error
from shouwang.common.api import ERRORS, PageIn, api_user, responses
from shouwang.common.paging import capped_count
from shouwang.orgs.models import Unit

router = Router(tags=["antifraud"])


def _requests_of(report: FraudReport) -> list[PartnerRequest]:
    return list(report.requests.select_related("indicator", "organisation").order_by("pk"))


class ReportListOut(Schema):
    count: int
    count_capped: bool = Field(description="true when there are more than `count` rows")
    limit: int
    offset: int
    items: list[ReportOut]


class RequestListOut(Schema):
    count: int
    count_capped: bool
    limit: int
    offset: int
    items: list[RequestOut]


@router.post("/reports", response=responses(201, ReportOut), summary="Register a fraud report")
def register_report(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    """Registers the report and, in the same transaction, one block request per phone, domain,
    app or social account and one freeze request per receiving account, each routed to its
    partner desk with its deadline. A 201 means all of it is committed."""
    actor = api_user(request)
    unit = None
    if payload.unit:
        unit = Unit.objects.filter(code=payload.unit.strip()).first()
        if unit is None:
            raise ValidationError({"unit": _("未知的单位代码:%(code)s") % {"code": payload.unit}})
    if payload.channel not in {ReportChannel.DESK, ReportChannel.CALL_110, ReportChannel.API}:
        raise ValidationError({"channel": _("无效的报案来源。")})
    report = do_register_report(
        parse_report(payload.as_data()), channel=payload.channel, unit=unit, actor=actor
    )
    return Status(201, ReportOut.of(report, _requests_of(report)))


@router.get("/reports", response=responses(200, ReportListOut), summary="List fraud reports")
def list_reports(
    request: HttpRequest, filters: Query[ReportFilter], page: Query[PageIn]
) -> ReportListOut:
    reports = filters.apply(reports_for_user(api_user(request)))
    rows = reports.select_related("unit")[page.offset : page.offset + page.limit]
    count, capped = capped_count(reports)
    return ReportListOut(
        count=count,
        count_capped=capped,
        limit=page.limit,
        offset=page.offset,
        items=[ReportOut.of(r, _requests_of(r)) for r in rows],
    )


@router.get("/reports/{int:report_id}", response=responses(200, ReportOut), summary="A report")
def get_report(request: HttpRequest, report_id: int) -> ReportOut:
    report = access_report(api_user(request), report_id)
    return ReportOut.of(report, _requests_of(report))


@router.get(
    "/reports/{int:report_id}/materials",
    response=responses(200, list[EvidenceOut]),
    summary="A report's materials",
)
def list_materials(request: HttpRequest, report_id: int) -> list[EvidenceOut]:
    report = access_report(api_user(request), report_id)
    return [EvidenceOut.of(e) for e in report.evidence.select_related("uploaded_by")]


@router.post(
    "/reports/{int:report_id}/materials",
    response=responses(201, EvidenceOut),
    summary="Attach a material (multipart)",
)
def add_material(
    request: HttpRequest, report_id: int, file: File[UploadedFile]
) -> Status[EvidenceOut]:
    """What the victim brought: a chat screenshot, a transfer receipt (JPEG or PNG) or a PDF,
    at most 10 MB by default (`SHOUWANG_EVIDENCE_MAX_BYTES`). A file that is too large, empty,
    of another type or damaged is refused with an error on `file`, and nothing is stored."""
    actor = api_user(request)
    report = access_report(actor, report_id)
    try:
        evidence = do_add_evidence(report, upload=file, stage=EvidenceStage.MATERIAL, actor=actor)
    except ValidationError as exc:
        raise as_file_error(exc) from None
    return Status(201, EvidenceOut.of(evidence))


@router.post(
    "/reports/{int:report_id}/close", response=responses(200, ReportOut), summary="Close a report"
)
def close_report(request: HttpRequest, report_id: int, payload: NoteIn) -> ReportOut:
    """结案: the centre has done what it can. Open requests stay as they are."""
    actor = api_user(request)
    report = access_report(actor, report_id)
    do_close_case(report, note=payload.note, actor=actor)
    return ReportOut.of(report, _requests_of(report))


@router.get("/requests", response=responses(200, RequestListOut), summary="List requests")
def list_requests(
    request: HttpRequest, filters: Query[RequestFilter], page: Query[PageIn]
) -> RequestListOut:
    """A partner desk sees only its own organisation's requests; police their subtree's.
    Open requests come first, the nearest deadline on top."""
    requests = filters.apply(requests_for_user(api_user(request)))
    rows = requests.select_related("indicator", "organisation")[
        page.offset : page.offset + page.limit
    ]
    count, capped = capped_count(requests)
    return RequestListOut(
        count=count,
        count_capped=capped,
        limit=page.limit,
        offset=page.offset,
        items=[RequestOut.of(r) for r in rows],
    )


@router.get("/requests/{int:request_id}", response=responses(200, RequestOut), summary="A request")
def get_request(request: HttpRequest, request_id: int) -> RequestOut:
    return RequestOut.of(access_request(api_user(request), request_id))


@router.post(
    "/requests/{int:request_id}/answer",
    response=responses(200, RequestOut),
    summary="Answer a request",
)
def answer_request(request: HttpRequest, request_id: int, payload: AnswerIn) -> RequestOut:
    """Done (a freeze with the amount frozen) or failed with the reason. Answering twice is a
    422 (`__all__`: already answered); every answer is audited."""
    actor = api_user(request)
    req = access_request(actor, request_id)
    do_answer_request(req, actor=actor, **payload.model_dump())
    return RequestOut.of(req)


@router.post(
    "/requests/{int:request_id}/cancel",
    response=responses(200, RequestOut),
    summary="Withdraw a request",
)
def cancel_request(request: HttpRequest, request_id: int, payload: CancelIn) -> RequestOut:
    actor = api_user(request)
    req = access_request(actor, request_id)
    do_cancel_request(req, reason=payload.reason, actor=actor)
    return RequestOut.of(req)


@router.get("/blocklist/lookup", response=responses(200, LookupOut), summary="Look a value up")
def blocklist_lookup(
    request: HttpRequest, value: str, kind: IndicatorKind | None = None
) -> LookupOut:
    """Is this number, account or domain known from reports, is it on the blocklist, and in
    which reports? Without `kind` the server guesses it from the value."""
    return LookupOut.of(lookup(api_user(request), value[:300], kind))


@router.get(
    "/blocklist.csv",
    response=ERRORS,
    summary="Download the blocklist",
    openapi_extra={
        "responses": {
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def blocklist_csv(request: HttpRequest, kind: IndicatorKind | None = None) -> StreamingHttpResponse:
    """The confirmed indicators the caller acts on (a carrier gets numbers, a bank accounts),
    as CSV: kind, value, confirmed_at, report_count. Each download is audited."""
    return blocklist_csv_response(api_user(request), kind)


@router.post(
    "/indicators/{int:indicator_id}/confirm",
    response=responses(200, LookupOut),
    summary="Put an indicator on the blocklist",
)
def confirm_indicator(request: HttpRequest, indicator_id: int, payload: NoteIn) -> LookupOut:
    actor = api_user(request)
    ind = do_confirm_indicator(
        access_indicator(actor, indicator_id), note=payload.note, actor=actor
    )
    return LookupOut.of(lookup(actor, ind.value, ind.kind))
