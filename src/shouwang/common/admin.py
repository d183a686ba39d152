"""The job queue's admin (django-tasks-db's task results) in the reader's language.

The package passes its model and field names through gettext with English msgids and ships no
Chinese, so `locale/zh_Hans/LC_MESSAGES/django.po` translates those msgids; English mode falls
back to the msgids themselves. That is the least fragile way for them: redefining the names in
code would mean patching the package's model (its fields' names are part of its migrations) or
rewriting its admin field by field. What the package does not pass through gettext (the app's
name, see `common/task_queue.py`, and the labels its admin gives to the task name, the traceback
and the run-after time) cannot be reached by a catalogue, so this subclass, registered in its
admin's place, labels them with our own msgids. Everything else is the package's admin as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

# The package's admin module was imported first (its app comes before this one in
# INSTALLED_APPS), so its registration is there to replace.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    def get_list_display(self, request: HttpRequest) -> list[str | Callable[[Any], str | bool]]:
        return ["task" if f == "task_name" else f for f in super().get_list_display(request)]

    @admin.display(description=_("任务"))
    def task(self, obj: DBTaskResult[..., Any]) -> str:
        return str(obj.task_name)

    @admin.display(description=_("错误堆栈"))
    def formatted_traceback(self, obj: DBTaskResult[..., Any]) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("计划执行时间"))
    def display_run_after(self, obj: DBTaskResult[..., Any]) -> datetime | str:
        return super().display_run_after(obj)
