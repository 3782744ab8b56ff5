from django.contrib import admin, messages
from django.db.models import Value
from django.db.models.functions import Lower
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from summaries.admin_paginator import BoundedCountPaginator
from summaries.models import Submission, SubmissionEvent, SubmissionStatus
from summaries.services.claims import reopen_failed
from summaries.services.heartbeats import worker_states
from summaries.services.overview import counts_by_status, oldest_waiting


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
    # Each filter and the search go through an index (docs/growth.md): no date hierarchy, whose
    # list of years reads every row, and no filter on sent_at, which has no index.
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
    actions = ["retry_failed"]
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
        self.message_user(request, f"{len(reopened)} submission(s) will be retried shortly.", messages.SUCCESS)

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
        }
        return TemplateResponse(request, "admin/summaries/submission/overview.html", context)
