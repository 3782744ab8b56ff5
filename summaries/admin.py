from django.contrib import admin, messages
from django.db.models import Value
from django.db.models.functions import Lower
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from summaries import admin_suppressions  # noqa: F401 - registers the suppression list's admin
from summaries.admin_paginator import BoundedCountPaginator
from summaries.day_chart import last_day_context
from summaries.models import AdminAction, AdminAuditRecord, Submission, SubmissionEvent, SubmissionStatus
from summaries.services.claims import reopen_failed
from summaries.services.erasure import BY_STAFF, erase_submission
from summaries.services.heartbeats import worker_states
from summaries.services.overview import counts_by_status, oldest_waiting
from summaries.staff.audit import record_admin_action


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["time", "status", "worker", "detail"]
    verbose_name_plural = "History"

    @admin.display(description="At (UTC)")
    def time(self, event: SubmissionEvent) -> str:
        # To the millisecond: several steps often happen within the same second.
        return f"{event.at:%Y-%m-%d %H:%M:%S.%f}"[:-3]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "name", "status", "attempts", "created_at", "sent_at", "pdf_link"]
    # Each filter and the search go through an index (docs/growth.md); no date hierarchy, whose
    # list of years reads every row.
    list_filter = ["status", "created_at"]
    search_fields = ["email"]
    search_help_text = _("A whole email address, in any case.")
    paginator = BoundedCountPaginator
    show_full_result_count = False
    readonly_fields = [
        "token",
        "status",
        "attempts",
        "last_error",
        "lease_owner",
        "lease_until",
        "next_attempt_at",
        "enqueued_at",
        "pdf_link",
        "created_at",
        "updated_at",
        "rendered_at",
        "sent_at",
    ]
    fieldsets = [
        ("Answers", {"fields": ["email", "name", "about", "hobby", "color", "saying", "dream_job"]}),
        ("Progress", {"fields": ["status", "attempts", "last_error", "pdf_link", "token"]}),
        (
            "Timestamps and lease",
            {
                "fields": [
                    "created_at",
                    "rendered_at",
                    "sent_at",
                    "updated_at",
                    "next_attempt_at",
                    "enqueued_at",
                    "lease_owner",
                    "lease_until",
                ]
            },
        ),
    ]
    inlines = [SubmissionEventInline]
    actions = ["retry_failed", "erase_selected"]
    change_list_template = "admin/summaries/submission/change_list.html"

    @admin.display(description="PDF")
    def pdf_link(self, submission: Submission):
        if not submission.pdf:
            return "-"
        return format_html('<a href="{}">summary.pdf</a>', reverse("summaries:pdf", args=[submission.token]))

    def get_search_results(self, request, queryset, search_term):
        # The whole address, compared in lower case on both sides, as the index holds it; a
        # search for part of an address would read every row.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(term))), False

    @admin.action(description="Retry the selected failed submissions")
    def retry_failed(self, request, queryset):
        reopened = reopen_failed(queryset)
        record_admin_action(request, action=AdminAction.RETRIED, submission_ids=reopened)
        self.message_user(request, f"{len(reopened)} submission(s) will be retried shortly.", messages.SUCCESS)

    @admin.action(description=_("Erase the selected submissions' answers, address and PDF now"))
    def erase_selected(self, request, queryset):
        erased = [pk for pk in queryset.values_list("pk", flat=True) if erase_submission(pk, detail=BY_STAFF)]
        record_admin_action(request, action=AdminAction.ERASED, submission_ids=erased)
        message = ngettext("%(count)d submission erased.", "%(count)d submissions erased.", len(erased))
        self.message_user(request, message % {"count": len(erased)}, messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page that showed the answers (not a redirect, not a missing row) is a view of them.
        if request.method == "GET" and response.status_code == 200:
            record_admin_action(request, action=AdminAction.VIEWED_ANSWERS, submission_ids=[int(object_id)])
        return response

    def has_add_permission(self, request):
        # Submissions come from the form, which also hands them to the workers.
        return False

    def save_model(self, request, obj, form, change):
        # Only what the operator edited: a full save would write back a status a worker has moved on since.
        if form.changed_data:
            obj.save(update_fields=[*form.changed_data, "updated_at"])

    def get_urls(self):
        overview = path(
            "overview/",
            self.admin_site.admin_view(self.overview_view),
            name="summaries_submission_overview",
        )
        return [overview, *super().get_urls()]

    def overview_view(self, request):
        counts = counts_by_status()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Pipeline overview",
            "counts": [(SubmissionStatus(status).label, status, count) for status, count in counts.items()],
            "total": sum(counts.values()),
            "oldest": oldest_waiting(),
            "workers": worker_states(),
            **last_day_context(),
        }
        return TemplateResponse(request, "admin/summaries/submission/overview.html", context)


@admin.register(AdminAuditRecord)
class AdminAuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the actions it records, never edited."""

    list_display = ["at", "actor_username", "action", "submission_id"]
    list_filter = ["action", "at"]
    search_fields = ["actor_username", "=submission_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
