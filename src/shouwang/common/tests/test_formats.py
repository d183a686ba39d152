from django.template import Context, Template
from django.utils import translation


def test_amounts_are_grouped_by_thousands_in_chinese_as_in_english() -> None:
    template = Template('{{ amount|floatformat:"2g" }}')
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(Context({"amount": 2553224.5})) == "2,553,224.50"


def test_chinese_dates_keep_djangos_format() -> None:
    import datetime

    with translation.override("zh-hans"):
        assert Template("{{ d|date }}").render(Context({"d": datetime.date(2026, 11, 23)})) == (
            "2026年11月23日"
        )
