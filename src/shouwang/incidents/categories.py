"""The seeded 警情 category tree. Codes are stable (imports and the demo name them); names are
what commanders read. Migration 0002 writes this tree; a deployment may add its own nodes.

The seeded names are shipped vocabulary, not user data: they are stored in Chinese (imports
match file values against them) and shown through the catalogue by `category_label`. The
names are marked with `gettext_noop` so that `makemessages` finds them while the tree itself
stays plain Chinese text for the database.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

BURGLARY = "burglary"
VEHICLE_THEFT = "vehicle_theft"

# (code, name, children)
CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "criminal",
        gettext_noop("刑事"),
        (
            (BURGLARY, gettext_noop("入室盗窃")),
            (VEHICLE_THEFT, gettext_noop("盗窃机动车")),
            ("theft", gettext_noop("其他盗窃")),
            ("fraud", gettext_noop("诈骗")),
            ("robbery", gettext_noop("抢劫抢夺")),
            ("assault", gettext_noop("故意伤害")),
        ),
    ),
    (
        "public_order",
        gettext_noop("治安"),
        (
            ("fight", gettext_noop("打架斗殴")),
            ("gambling", gettext_noop("赌博")),
            ("disturbance", gettext_noop("扰乱秩序")),
        ),
    ),
    (
        "traffic",
        gettext_noop("交通"),
        (
            ("traffic_accident", gettext_noop("交通事故")),
            ("congestion", gettext_noop("交通堵塞")),
            ("drunk_driving", gettext_noop("酒驾")),
        ),
    ),
    (
        "dispute",
        gettext_noop("纠纷"),
        (
            ("neighbour_dispute", gettext_noop("邻里纠纷")),
            ("family_dispute", gettext_noop("家庭纠纷")),
            ("labour_dispute", gettext_noop("劳资纠纷")),
            ("consumer_dispute", gettext_noop("消费纠纷")),
        ),
    ),
    (
        "help",
        gettext_noop("求助"),
        (
            ("missing_person", gettext_noop("走失寻人")),
            ("lost_property", gettext_noop("遗失求助")),
            ("medical", gettext_noop("急病求助")),
        ),
    ),
    ("fire", gettext_noop("火灾"), ()),
    ("other", gettext_noop("其他"), ()),
)

# code -> the name it was seeded with
SEEDED_NAMES: dict[str, str] = {
    code: name
    for parent_code, parent_name, children in CATEGORY_TREE
    for code, name in ((parent_code, parent_name), *children)
}


def category_label(code: str, name: str) -> str:
    """A category's name for display, in the reader's language. A seeded category whose name
    is still the shipped one is translated; a category a city added, or a seeded one it
    renamed, shows its stored name as entered. Every page, filter and feed goes through here."""
    if SEEDED_NAMES.get(code) == name:
        return gettext(name)
    return name
