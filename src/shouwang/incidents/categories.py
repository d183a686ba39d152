"""The seeded 警情 category tree. Codes are stable (imports and the demo name them); names are
what commanders read. Migration 0002 writes this tree; a deployment may add its own nodes."""

from __future__ import annotations

BURGLARY = "burglary"
VEHICLE_THEFT = "vehicle_theft"

# (code, name, children)
CATEGORY_TREE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "criminal",
        "刑事",
        (
            (BURGLARY, "入室盗窃"),
            (VEHICLE_THEFT, "盗窃机动车"),
            ("theft", "其他盗窃"),
            ("fraud", "诈骗"),
            ("robbery", "抢劫抢夺"),
            ("assault", "故意伤害"),
        ),
    ),
    (
        "public_order",
        "治安",
        (("fight", "打架斗殴"), ("gambling", "赌博"), ("disturbance", "扰乱秩序")),
    ),
    (
        "traffic",
        "交通",
        (("traffic_accident", "交通事故"), ("congestion", "交通堵塞"), ("drunk_driving", "酒驾")),
    ),
    (
        "dispute",
        "纠纷",
        (
            ("neighbour_dispute", "邻里纠纷"),
            ("family_dispute", "家庭纠纷"),
            ("labour_dispute", "劳资纠纷"),
            ("consumer_dispute", "消费纠纷"),
        ),
    ),
    (
        "help",
        "求助",
        (("missing_person", "走失寻人"), ("lost_property", "遗失求助"), ("medical", "急病求助")),
    ),
    ("fire", "火灾", ()),
    ("other", "其他", ()),
)
