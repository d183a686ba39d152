"""django-tasks-db (the job queue) installed under a translated name.

Its `verbose_name` is a plain English string, so no catalogue can translate it; this subclass,
installed in its place (settings.INSTALLED_APPS), is how Django's docs rename a third-party
app. The rest of its admin is translated in `common/admin.py`.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskQueueConfig(TasksAppConfig):
    # The package's class gives the attribute as a plain str; Django takes a lazy string too.
    verbose_name = _("后台任务")  # type: ignore[assignment]
