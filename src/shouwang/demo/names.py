"""Fictional but real-looking names and identifiers for the demo city.

Everything here draws from the `random.Random` it is given, so the same seed gives the same
names. Nothing is a real person, company or place (the province prefix 99 does not exist in
GB/T 2260); the carriers carry their real brand names because a demo of block requests to
"carrier A" would teach nothing.
"""

from __future__ import annotations

from random import Random

PLACE_FIRST = "东西南北金银青白云柳桃梅松竹石桥龙凤安平兴和福康新永长文德华明清碧丰泰瑞嘉翠望宁"
PLACE_SECOND = "湖溪桥塘港岭门庄湾园林洲渡岗坝苑阳浦滨坊川坪山口亭埠堰"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海峰鹏飞宇浩晨欣怡婷雪梅斌"

_BRAND_TEXT = (
    "鑫达恒源宏盛永泰汇丰金利华通瑞祥兴业广源德胜天成宝丰振华佳美盛达富康利民中恒东升"
    "新宇鸿运嘉禾亿诚聚力通达荣昌顺发美联正泰安信博远凯瑞锦程"
)
BRANDS = tuple(_BRAND_TEXT[i : i + 2] for i in range(0, len(_BRAND_TEXT), 2))

# Industry -> the premises type its site is (factory, warehouse, ...).
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("五金制品", "factory"),
    ("纺织", "factory"),
    ("化工", "factory"),
    ("机械制造", "factory"),
    ("塑料制品", "factory"),
    ("食品", "factory"),
    ("电子科技", "factory"),
    ("家具", "factory"),
    ("包装材料", "factory"),
    ("印染", "factory"),
    ("新材料", "factory"),
    ("电器", "factory"),
    ("物流", "warehouse"),
    ("仓储", "warehouse"),
    ("建筑工程", "construction"),
    ("建设", "construction"),
    ("餐饮管理", "restaurant"),
    ("酒店管理", "hotel"),
    ("商贸", "shop"),
    ("文化娱乐", "entertainment"),
)

ROAD_SUFFIXES = ("路", "街", "大道", "路", "巷")

URBAN_DISTRICTS = ("城关区", "东湖区", "西山区", "南浦区", "北塘区", "江滨区", "新城区")
COUNTIES = ("临江县", "青溪县", "白石县", "云岭县", "梅山县", "安平县")

BANKS = ("清河农村商业银行", "工商银行清河分行", "建设银行清河分行", "邮储银行清河分行")
CARRIERS = ("中国移动清河分公司", "中国电信清河分公司", "中国联通清河分公司")

# GB 32100-2015 (统一社会信用代码) and GB 11714 (组织机构代码) check characters.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class NameBook:
    """Hands out place names that are unique within one city."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._used: set[str] = set()

    def place(self) -> str:
        for _attempt in range(10_000):
            name = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            if name not in self._used:
                self._used.add(name)
                return name
        raise RuntimeError("place names exhausted")

    def any_place(self) -> str:
        """A place-like name that may repeat: shops and houses share names across a city."""
        return self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)

    def road(self) -> str:
        return self.place() + self.rng.choice(ROAD_SUFFIXES)


def person(rng: Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: Random) -> str:
    return rng.choice(("138", "139", "137", "135", "150", "151", "158", "186", "189", "177")) + (
        f"{rng.randrange(100_000_000):08d}"
    )


def org_check(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_ORG_CHARS.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(body: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code(rng: Random) -> str:
    """A 9-character organisation code with its check character."""
    body = f"{rng.randrange(10**8):08d}"
    return body + org_check(body)


def credit_code(rng: Random, area_code: str) -> str:
    """An 18-character unified social credit code: 9 (market regulator), 1 (enterprise), the
    6-digit area code, the organisation code, and the check character."""
    body = "91" + area_code[:6] + org_code(rng)
    return body + uscc_check(body)


def company_name(rng: Random, city_short: str, industry: str) -> str:
    return f"{city_short}市{rng.choice(BRANDS)}{industry}有限公司"


def company_short(name: str, city_short: str) -> str:
    """清河市鑫达五金制品有限公司 -> 鑫达五金"""
    core = name.removeprefix(f"{city_short}市").removesuffix("有限公司")
    return core[:4]


_SHOP_KINDS = ("五金店", "便利店", "电动车行", "建材店", "烟酒店", "超市", "手机店", "服装店")
_RESTAURANTS = ("记面馆", "家菜馆", "记饭店", "氏烧烤", "记小吃")
_ENTERTAINMENT = ("KTV", "网吧", "棋牌室", "足浴店", "酒吧")
_HOTELS = ("宾馆", "快捷酒店", "旅馆", "民宿")
_SCHOOLS = ("小学", "中学", "幼儿园")
_HOSPITALS = ("卫生院", "社区卫生服务中心", "医院")
_MARKETS = ("农贸市场", "小商品市场")
_OTHERS = ("加油站", "文化礼堂", "体育馆", "养老院")
_SITES = ("花园", "家园", "府", "商业中心", "安置房")


def premises_name(rng: Random, kind: str, place: str, company: str | None) -> str:
    """A premises name of the given PremisesType value, near `place`, run by `company`."""
    if kind == "factory":
        return f"{company}厂区" if company else f"{place}工业园{rng.randint(1, 9)}号厂房"
    if kind == "warehouse":
        return f"{company}仓库" if company else f"{place}物流园{rng.randint(1, 20)}号库"
    if kind == "construction":
        return f"{place}{rng.choice(_SITES)}{rng.choice(('一', '二', '三'))}期项目工地"
    if kind == "shop":
        return place + rng.choice(_SHOP_KINDS)
    if kind == "restaurant":
        return rng.choice(SURNAMES) + rng.choice(_RESTAURANTS)
    if kind == "entertainment":
        return place + rng.choice(_ENTERTAINMENT)
    if kind == "hotel":
        return place + rng.choice(_HOTELS)
    if kind == "rental":
        return f"{place}新村{rng.randint(1, 40)}幢出租房"
    if kind == "school":
        return place + rng.choice(_SCHOOLS)
    if kind == "hospital":
        return place + rng.choice(_HOSPITALS)
    if kind == "market":
        return place + rng.choice(_MARKETS)
    return place + rng.choice(_OTHERS)
