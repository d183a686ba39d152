from django.db import migrations

# A copy of shouwang.incidents.categories.CATEGORY_TREE as it stood when this ran: a migration
# must not change when the module does.
TREE = (
    ("criminal", "刑事", (
        ("burglary", "入室盗窃"), ("vehicle_theft", "盗窃机动车"), ("theft", "其他盗窃"),
        ("fraud", "诈骗"), ("robbery", "抢劫抢夺"), ("assault", "故意伤害"),
    )),
    ("public_order", "治安", (
        ("fight", "打架斗殴"), ("gambling", "赌博"), ("disturbance", "扰乱秩序"),
    )),
    ("traffic", "交通", (
        ("traffic_accident", "交通事故"), ("congestion", "交通堵塞"), ("drunk_driving", "酒驾"),
    )),
    ("dispute", "纠纷", (
        ("neighbour_dispute", "邻里纠纷"), ("family_dispute", "家庭纠纷"),
        ("labour_dispute", "劳资纠纷"), ("consumer_dispute", "消费纠纷"),
    )),
    ("help", "求助", (
        ("missing_person", "走失寻人"), ("lost_property", "遗失求助"), ("medical", "急病求助"),
    )),
    ("fire", "火灾", ()),
    ("other", "其他", ()),
)


def seed(apps, schema_editor):
    Category = apps.get_model("incidents", "IncidentCategory")
    for code, name, children in TREE:
        parent = Category.objects.create(code=code, name=name, path=f"/{code}/")
        for child_code, child_name in children:
            Category.objects.create(
                code=child_code, name=child_name, parent=parent, path=f"/{code}/{child_code}/"
            )


def unseed(apps, schema_editor):
    Category = apps.get_model("incidents", "IncidentCategory")
    codes = [c for code, _, children in TREE for c in (code, *(k for k, _ in children))]
    Category.objects.filter(code__in=codes, parent__isnull=False).delete()
    Category.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
