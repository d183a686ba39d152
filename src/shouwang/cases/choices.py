from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    GRADED = "graded", _("已分级")
    ASSIGNED = "assigned", _("整改中")
    SUBMITTED = "submitted", _("待核查")
    CLOSED = "closed", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATES = frozenset(
    {CaseState.REGISTERED, CaseState.GRADED, CaseState.ASSIGNED, CaseState.SUBMITTED}
)
ENDED_STATES = frozenset({CaseState.CLOSED, CaseState.CANCELLED})


class CaseAction(models.TextChoices):
    REGISTER = "register", _("登记")
    GRADE = "grade", _("分级")
    ASSIGN = "assign", _("交办")
    SUBMIT = "submit", _("报送整改")
    VERIFY = "verify", _("核查通过并销号")
    REJECT = "reject", _("核查不通过")
    REOPEN = "reopen", _("重新打开")
    CANCEL = "cancel", _("撤销")
    CLOSE = "close", _("结案")
    ESCALATE = "escalate", _("逾期上报")
    EVIDENCE = "evidence", _("上传证据")
    EDIT = "edit", _("修改信息")


class EvidenceStage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
    VERIFICATION = "verification", _("核查")
    MATERIAL = "material", _("报案材料")  # a fraud victim's screenshots, receipts, records
