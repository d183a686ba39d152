"""The job queue's admin pages (django-tasks-db's task results) speak the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.signals import setting_changed
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from shouwang.common.apitest import session_client
from shouwang.common.management.commands.check_translations import CJK, compile_catalogues
from shouwang.common.testing import Cast

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/django_tasks_database/dbtaskresult/"


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    if compile_catalogues():
        setting_changed.send(
            sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
        )


def _task_result() -> DBTaskResult:  # type: ignore[type-arg]
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="shouwang.cases.jobs.scan_overdue",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def _admin(cast: Cast, language: str) -> Client:
    client = session_client(cast.admin)
    client.cookies["django_language"] = language
    return client


def test_the_task_results_changelist_is_chinese_in_chinese_mode(cast: Cast) -> None:
    _task_result()
    response = _admin(cast, "zh-hans").get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["title"] == "选择任务结果查看"
    html = response.content.decode()
    for chinese in ("<title>选择任务结果查看", "后台任务", "任务", "入队时间", "队列", "以 状态"):
        assert chinese in html
    for english in ("Task Result", "Tasks Database Backend", "Task name", "Enqueued at"):
        assert english not in html


def test_the_task_results_changelist_is_english_in_english_mode(cast: Cast) -> None:
    _task_result()
    response = _admin(cast, "en").get(CHANGELIST)
    assert response.context["title"] == "Select Task Result to view"
    html = response.content.decode()
    for english in ("Background tasks", "<th", "Task", "Enqueued at", "Queue name"):
        assert english in html
    assert not CJK.search(html.split("<h1", 1)[1].split("</table>", 1)[0])


def test_a_task_result_reads_in_chinese_to_the_last_field(cast: Cast) -> None:
    result = _task_result()
    html = _admin(cast, "zh-hans").get(f"{CHANGELIST}{result.pk}/change/").content.decode()
    for label in ("状态", "参数", "任务路径", "计划执行时间", "错误堆栈", "异常类型"):
        assert f"<label>{label}" in html or f">{label}:" in html


def test_every_name_the_job_queue_gives_its_model_has_a_chinese_translation() -> None:
    # Fails when an upgrade of the package adds a field or rewords a name the catalogue lacks.
    meta = DBTaskResult._meta
    with translation.override("zh-hans"):
        names = [str(meta.verbose_name), str(meta.verbose_name_plural)]
        names += [str(f.verbose_name) for f in meta.fields if f.name != "id"]
    assert [n for n in names if not CJK.search(n)] == []
