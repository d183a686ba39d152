"""What the officer says on the dissuasion call (劝阻话术), by fraud type: name the trick the
person is in, say what to stop doing now, and what to do next."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shouwang.antifraud.choices import FraudType

OPENING = _(
    "您好,我是派出所民警(报警号码 110 可核实)。我们监测到您正在接触疑似诈骗的号码,请先不要转账。"
)
CLOSING = _(
    "请不要向任何人透露验证码,不要下载对方让您装的 App。"
    "如已转账,请立即拨打 110 或 96110,我们会帮您紧急止付。"
)

SCRIPTS: dict[str, Promise] = {
    FraudType.ORDER_BRUSHING: _(
        "对方让您刷单、做任务返佣金吗?刷单本身违法,先小额返利再让您垫付大额的都是诈骗。"
    ),
    FraudType.INVESTMENT: _(
        "对方拉您进群炒股、炒币或投资,说有“导师”带单、稳赚不赔吗?这类平台都是假的,钱进去就取不出来。"
    ),
    FraudType.LOAN: _(
        "正规贷款放款前不会收取保证金、解冻费、刷流水。对方让您先交钱才能放款,就是诈骗。"
    ),
    FraudType.FAKE_SUPPORT: _(
        "电商和快递客服不会让您开通“百万保障”、共享屏幕或转账退款。"
        "请挂断,从官方 App 里联系客服核实。"
    ),
    FraudType.FAKE_AUTHORITY: _(
        "公检法机关不会通过电话办案,不会发通缉令,更没有“安全账户”。对方让您转账或保密,就是诈骗。"
    ),
    FraudType.CREDIT: _(
        "征信记录不能花钱“修复”或“注销”。对方以影响征信为由让您贷款转账,就是诈骗。"
    ),
    FraudType.GAME_TRADE: _(
        "游戏装备、账号交易请只在官方平台进行。对方让您到陌生网站交“保证金”“解冻费”,就是诈骗。"
    ),
    FraudType.ROMANCE: _(
        "网上认识、从未见面的“恋人”带您投资、赌博或借钱,几乎都是诈骗。请先停止转账,和家人商量。"
    ),
    FraudType.FAKE_BOSS: _(
        "“领导”“熟人”加您好友后要求转账,请务必打对方原来的电话或当面核实,不要直接转账。"
    ),
    FraudType.FAKE_MILITARY: _(
        "“部队采购”先让您垫资进货或向指定厂家付款,是常见骗局。请先核实,不要垫付。"
    ),
    FraudType.OTHER: _("请告诉我们对方让您做了什么。在我们核实之前,请不要转账,也不要透露验证码。"),
}


def script_for(fraud_type: str) -> list[str]:
    return [str(OPENING), str(SCRIPTS.get(fraud_type, SCRIPTS[FraudType.OTHER])), str(CLOSING)]
