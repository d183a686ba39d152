from django.contrib import admin

from shouwang.notices.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The outbox as administrators see it: what went out, what failed and why. Read-only: a
    delivery is the record of a message."""

    list_display = ["id", "channel", "state", "attempts", "sent_at", "reference", "error"]
    list_filter = ["channel", "state"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
