"""The audit log's action codes in words. The code stays the record (auditors filter and export
by it); the label is for reading it. A code not listed here is shown as it is."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from shouwang.audit.models import AuditEvent
from shouwang.cases.choices import CaseAction

REVEAL = "personal.reveal"

ACTION_LABELS: dict[str, StrOrPromise] = {
    "auth.login": gettext_lazy("登录"),
    "auth.login_failed": gettext_lazy("登录失败"),
    REVEAL: gettext_lazy("查看个人信息"),
    "audit.export": gettext_lazy("导出审计日志"),
    "admin.add": gettext_lazy("后台新增"),
    "admin.change": gettext_lazy("后台修改"),
    "admin.delete": gettext_lazy("后台删除"),
    "user.create": gettext_lazy("创建用户"),
    "unit.create": gettext_lazy("创建单位"),
    "organisation.create": gettext_lazy("创建机构"),
    "api_token.create": gettext_lazy("创建接口令牌"),
    "api_token.revoke": gettext_lazy("吊销接口令牌"),
    "sla.set": gettext_lazy("修改时限规则"),
    "hazard.register": gettext_lazy("登记隐患"),
    "hazard.update": gettext_lazy("修改隐患"),
    "hazard.import": gettext_lazy("导入隐患台账"),
    "hazard.export": gettext_lazy("导出隐患"),
    "premises.create": gettext_lazy("创建场所"),
    "campaign.create": gettext_lazy("创建排查行动"),
    "campaign.check": gettext_lazy("记录检查"),
    "incident.import": gettext_lazy("导入警情"),
    "incident.event.create": gettext_lazy("登记活动"),
    "incident.mapping.create": gettext_lazy("新增警情类别对照"),
    "incident.mapping.update": gettext_lazy("修改警情类别对照"),
    "incident.duty.accept": gettext_lazy("采纳建议勤务等级"),
    "incident.duty.override": gettext_lazy("调整建议勤务等级"),
    "fraud.report": gettext_lazy("登记诈骗报案"),
    "fraud.public_report": gettext_lazy("群众网上举报"),
    "fraud.accept": gettext_lazy("受理网上举报"),
    "fraud.request_sent": gettext_lazy("发出协查请求"),
    "fraud.request_answered": gettext_lazy("答复协查请求"),
    "fraud.request_escalated": gettext_lazy("协查请求逾期上报"),
    "fraud.request_cancelled": gettext_lazy("撤回协查请求"),
    "fraud.blocklist_add": gettext_lazy("加入黑名单"),
    "fraud.blocklist_remove": gettext_lazy("移出黑名单"),
    "fraud.blocklist_export": gettext_lazy("导出黑名单"),
    "fraud.statement_imported": gettext_lazy("导入银行流水"),
    "fraud.statement_mapping_saved": gettext_lazy("保存流水列对照"),
    "fraud.trace_run": gettext_lazy("资金追踪"),
    "fraud.trace_freezes_sent": gettext_lazy("按追踪结果发出冻结请求"),
    "warning.events": gettext_lazy("接入预警数据"),
    "warning.task": gettext_lazy("派发劝阻任务"),
    "warning.outcome": gettext_lazy("反馈劝阻结果"),
    "warning.task_late": gettext_lazy("劝阻任务超时转派"),
    "warning.proposal": gettext_lazy("提出封停建议"),
    "warning.proposal_approved": gettext_lazy("批准封停建议"),
    "warning.proposal_rejected": gettext_lazy("驳回封停建议"),
    "warning.rule_version": gettext_lazy("保存预警规则"),
    "warning.rule_on": gettext_lazy("启用预警规则"),
    "warning.rule_off": gettext_lazy("停用预警规则"),
    "warning.backtest": gettext_lazy("回测预警规则"),
    "warning.scores": gettext_lazy("更新号码风险评分"),
}


def object_type_label(object_type: str) -> str:
    """A model's name (`hazards.hazard` -> 隐患); the code itself when it names no model."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def field_label(object_type: str, field: str) -> str:
    """A model field's label (`hazards.hazard`, `responsible_contact` -> 责任人联系方式)."""
    try:
        return str(apps.get_model(object_type)._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field


def action_label(event: AuditEvent) -> str:
    """What the event did, in words; a reveal also says which field was revealed."""
    return describe_action(event.action, event.object_type, event.detail)


def describe_action(code: str, object_type: str, detail: object) -> str:
    """`action_label` from the row's values, for readers that do not build the model (the CSV
    export)."""
    if code == REVEAL and isinstance(detail, dict) and detail.get("field"):
        field = field_label(object_type, str(detail["field"]))
        return _("查看个人信息:%(field)s") % {"field": field}
    # Case steps are recorded as case.<step>, for every kind of case.
    step = code.removeprefix("case.")
    if step != code and step in _CASE_STEPS:
        return str(CaseAction(step).label)
    label = ACTION_LABELS.get(code)
    return code if label is None else str(label)


_CASE_STEPS = frozenset(CaseAction.values)
