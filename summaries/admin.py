from django.contrib import admin, messages

from summaries.models import Submission, SubmissionEvent
from summaries.services.claims import reopen_failed


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "name", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "token",
        "status",
        "attempts",
        "last_error",
        "lease_owner",
        "lease_until",
        "next_attempt_at",
        "enqueued_at",
        "pdf",
        "created_at",
        "updated_at",
        "rendered_at",
        "sent_at",
    ]
    inlines = [SubmissionEventInline]
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed submissions")
    def retry_failed(self, request, queryset):
        reopened = reopen_failed(queryset)
        self.message_user(request, f"{len(reopened)} submission(s) will be retried shortly.", messages.SUCCESS)
