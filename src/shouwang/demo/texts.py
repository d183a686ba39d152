"""What the demo hazards say: titles, descriptions and rectification requirements per category.

`types` lists the premises types (PremisesType values) a template fits; an empty tuple means
it fits anywhere, including a street location with no premises. `{place}` is the premises
name or the address.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random


@dataclass(frozen=True)
class Template:
    category: str
    title: str
    description: str
    requirement: str
    types: tuple[str, ...] = ()


_PEOPLE = ("shop", "restaurant", "entertainment", "hotel", "market", "school", "hospital")
_WORKS = ("factory", "warehouse")

TEMPLATES: tuple[Template, ...] = (
    # 消防安全
    Template(
        "fire",
        "消防通道堵塞",
        "{place}消防通道被杂物和车辆占用,通道宽度不足,影响消防车通行。",
        "立即清理消防通道内杂物及车辆,施划禁停标线并设置禁止占用标识。",
    ),
    Template(
        "fire",
        "电动车违规充电",
        "{place}楼道内发现电动自行车违规停放充电,私拉电线“飞线”充电。",
        "清理楼道内电动车,拆除飞线,引导至集中充电点充电。",
        ("rental", "shop", "hotel", "warehouse", "market"),
    ),
    Template(
        "fire",
        "灭火器过期",
        "{place}配置的灭火器压力不足、超过有效期,未按规定维护保养。",
        "更换或送检过期灭火器,建立月度检查记录。",
        (*_PEOPLE, *_WORKS, "rental"),
    ),
    Template(
        "fire",
        "出租房消防设施缺失",
        "{place}未配置灭火器和独立式烟感报警器,逃生通道不畅。",
        "按每层配置灭火器和独立式烟感报警器,保持逃生通道畅通。",
        ("rental",),
    ),
    Template(
        "fire",
        "安全出口锁闭",
        "{place}安全出口被锁闭,疏散指示标志损坏,应急照明不亮。",
        "营业期间保持安全出口畅通,修复疏散指示标志和应急照明。",
        (*_PEOPLE, *_WORKS),
    ),
    Template(
        "fire",
        "室内消火栓无水",
        "{place}室内消火栓无水或水压不足,水带、水枪缺失。",
        "修复消防给水系统,补齐水带、水枪,每月试水并记录。",
        ("factory", "warehouse", "hotel", "school", "hospital", "market"),
    ),
    Template(
        "fire",
        "“三合一”场所违规住人",
        "{place}存在生产、仓储与住宿“三合一”情况,住宿区未实施防火分隔。",
        "立即清理住人,住宿区与生产、仓储区实施防火分隔。",
        ("factory", "warehouse", "shop"),
    ),
    Template(
        "fire",
        "燃气报警装置缺失",
        "{place}厨房使用瓶装液化气,未安装可燃气体报警装置和切断阀。",
        "安装可燃气体报警装置和自动切断阀,规范气瓶存放。",
        ("restaurant", "hotel", "school"),
    ),
    # 安全生产
    Template(
        "production",
        "危化品储存不规范",
        "{place}危险化学品与普通物资混存,未设专用仓库,出入库台账不全。",
        "设置危化品专用仓库,分类分区存放,建立出入库台账。",
        ("factory", "warehouse"),
    ),
    Template(
        "production",
        "特种设备未定期检验",
        "{place}叉车、起重机等特种设备未按期检验,部分操作人员无证上岗。",
        "停用未检设备并申请检验,操作人员持证上岗。",
        ("factory", "warehouse", "construction"),
    ),
    Template(
        "production",
        "有限空间作业无审批",
        "{place}污水池、储罐等有限空间作业未履行审批手续,未配备检测仪器。",
        "落实有限空间作业审批,配备气体检测仪和防护用品,设置警示标识。",
        ("factory",),
    ),
    Template(
        "production",
        "机械防护装置缺失",
        "{place}冲床、传送带等设备防护罩缺失,存在机械伤害风险。",
        "加装防护罩和急停装置,开展岗位安全操作培训。",
        ("factory",),
    ),
    Template(
        "production",
        "电气线路私拉乱接",
        "{place}电气线路私拉乱接,配电箱未加锁,部分线路绝缘层老化破损。",
        "请有资质电工整改线路,配电箱加锁并张贴警示标识。",
        (*_WORKS, "construction", "shop", "market"),
    ),
    Template(
        "production",
        "粉尘清扫不及时",
        "{place}粉尘作业区域积尘严重,除尘系统未正常运行。",
        "落实定时清扫制度,修复除尘系统并建立运行记录。",
        ("factory",),
    ),
    Template(
        "production",
        "高处作业未系安全带",
        "{place}作业人员高处作业未系安全带,作业面防护栏杆缺失。",
        "停工整改,设置防护栏杆和安全网,作业人员规范佩戴安全带。",
        ("construction",),
    ),
    Template(
        "production",
        "脚手架搭设不规范",
        "{place}脚手架连墙件缺失,剪刀撑设置不足,未经验收即投入使用。",
        "按专项方案整改脚手架,经验收合格后方可使用。",
        ("construction",),
    ),
    Template(
        "production",
        "临时用电不规范",
        "{place}临时用电未执行“一机一闸一漏”,电缆拖地浸水。",
        "按规范设置三级配电两级保护,电缆架空敷设。",
        ("construction",),
    ),
    Template(
        "production",
        "货物堆放超高",
        "{place}货物堆放超高且紧贴灯具,货架无限高标识。",
        "降低堆垛高度,与灯具保持安全距离,设置限高标识。",
        ("warehouse", "market", "shop"),
    ),
    Template(
        "production",
        "安全培训记录缺失",
        "{place}未建立员工安全教育培训档案,新员工未经三级安全教育上岗。",
        "补齐培训档案,组织全员安全培训并考核。",
        (*_WORKS, "construction", "restaurant", "hotel"),
    ),
    Template(
        "production",
        "安全警示标识缺失",
        "{place}危险区域未设置安全警示标识和隔离设施。",
        "在危险区域设置警示标识和隔离设施。",
        (*_WORKS, "construction", "market"),
    ),
    # 治安
    Template(
        "public_order",
        "旅馆未落实实名登记",
        "{place}未按规定对住宿旅客逐一进行实名登记。",
        "落实“一人一证”实名登记,配合公安机关检查。",
        ("hotel",),
    ),
    Template(
        "public_order",
        "视频监控未正常运行",
        "{place}视频监控探头损坏,录像保存不足30天。",
        "修复视频监控,录像保存不少于30天。",
        ("entertainment", "hotel", "shop", "market", "school"),
    ),
    Template(
        "public_order",
        "出租房屋未登记流动人口",
        "{place}房东未按规定申报承租人信息。",
        "房东在规定期限内申报承租人信息,签订治安责任书。",
        ("rental",),
    ),
    Template(
        "public_order",
        "校园护学岗缺失",
        "{place}上下学时段校门口无护学岗,人员车辆混行。",
        "落实上下学时段护学岗,设置硬质隔离设施。",
        ("school",),
    ),
    # 交通安全
    Template(
        "traffic",
        "路口信号灯故障",
        "{place}路口信号灯故障,早晚高峰车辆交织严重。",
        "联系交警部门修复信号灯,故障期间安排人员疏导。",
    ),
    Template(
        "traffic",
        "道路施工未设警示",
        "{place}道路施工围挡缺失,夜间无警示灯。",
        "设置连续围挡和夜间警示灯,安排专人看护。",
    ),
    Template(
        "traffic",
        "货车违规停放占道",
        "{place}大型货车长期占道停放,遮挡视线。",
        "督促车主挪车,施划禁停标线。",
    ),
    # 生态环境
    Template(
        "environment",
        "违规排放污水",
        "{place}生产污水未经处理直接排入河道。",
        "停止排放,建设污水处理设施并接入市政管网。",
        ("factory", "restaurant"),
    ),
    Template(
        "environment",
        "露天焚烧垃圾",
        "{place}附近有人露天焚烧垃圾,烟雾影响周边居民。",
        "清理焚烧现场,张贴禁烧告示,加强巡查。",
    ),
    # 其他
    Template(
        "other",
        "广告牌松动",
        "{place}外墙广告牌固定件锈蚀松动,存在坠落风险。",
        "拆除或加固广告牌,经检测合格后方可使用。",
    ),
    Template(
        "other",
        "窨井盖缺失",
        "{place}附近道路窨井盖缺失,仅用杂物遮挡。",
        "设置临时围挡,通知权属单位补装井盖。",
    ),
)

CANCEL_REASONS = (
    "重复登记,已合并至同一隐患。",
    "经现场核实不属于隐患。",
    "场所已拆除,隐患自然消除。",
    "已移交住建部门处理。",
    "登记信息有误,重新登记。",
)
REJECT_NOTES = (
    "整改照片不清晰,无法确认整改效果。",
    "现场复查发现仍有杂物堆放。",
    "整改不到位,请按要求重新整改。",
    "未提供整改前后对比照片。",
)
SUBMIT_NOTES = ("已按要求整改完毕。", "已整改,请核查。", "", "")
VERIFY_NOTES = ("现场核查整改到位。", "", "", "复查合格,予以销号。")


def by_category(category: str, premises_type: str | None) -> list[Template]:
    """The templates of a category that fit the place; any of the category if none fits."""
    fitting = [
        t
        for t in TEMPLATES
        if t.category == category
        and (not t.types or (premises_type is not None and premises_type in t.types))
    ]
    if premises_type is None:
        fitting = [t for t in fitting if not t.types] or fitting
    return fitting or [t for t in TEMPLATES if t.category == category]


def pick(rng: Random, category: str, premises_type: str | None) -> Template:
    return rng.choice(by_category(category, premises_type))
