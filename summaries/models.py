"""The submission row: the one source of truth for where each person's summary is."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Color(models.TextChoices):
    # The stored value stays English; the label is shown in the reader's language.
    RED = "Red", _("Red")
    BLUE = "Blue", _("Blue")
    GREEN = "Green", _("Green")
    YELLOW = "Yellow", _("Yellow")
    PURPLE = "Purple", _("Purple")
    BLACK = "Black", _("Black")
    WHITE = "White", _("White")


class SubmissionStatus(models.TextChoices):
    # Double opt-in only (CONFIRM_EMAIL): the confirmation email waits, is sent, then the click.
    CONFIRM_QUEUED = "confirm_queued", "Confirmation email queued"
    CONFIRM_SENDING = "confirm_sending", "Sending confirmation email"
    UNCONFIRMED = "unconfirmed", "Waiting for the address to be confirmed"
    RECEIVED = "received", "Received"
    RENDERING = "rendering", "Rendering"
    RENDERED = "rendered", "Rendered"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # Terminal: the address is on the suppression list, so nothing is emailed (services/suppression.py).
    SUPPRESSED = "suppressed", _("Not emailed (address suppressed)")
    # Terminal: the receiving server returned the email (services/bounces.py); last_error says why.
    BOUNCED = "bounced", _("Returned by the receiving server")
    # The person deleted their answers and PDF (services/erasure.py): final, nothing more is done.
    ERASED = "erased", _("Erased")


# Statuses in which a worker holds a lease; past lease_until another worker may take over.
LEASED_STATUSES = (SubmissionStatus.CONFIRM_SENDING, SubmissionStatus.RENDERING, SubmissionStatus.SENDING)
# Statuses that wait for a worker to pick the row up (at next_attempt_at, if set).
WAITING_STATUSES = (SubmissionStatus.CONFIRM_QUEUED, SubmissionStatus.RECEIVED, SubmissionStatus.RENDERED)


def due(now) -> models.Q:
    """Waiting for a worker, and its next try (if one was set) has come."""
    return models.Q(status__in=WAITING_STATUSES) & (
        models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
    )


# Statuses a worker still has to move on: the relay and the sweep look only at these, through
# an index of these rows alone, so their cost follows the work in hand, not the history kept.
ACTIVE_STATUSES = WAITING_STATUSES + LEASED_STATUSES

# Statuses in which a confirmation link may be followed.
CONFIRMABLE_STATUSES = (SubmissionStatus.CONFIRM_QUEUED, SubmissionStatus.CONFIRM_SENDING, SubmissionStatus.UNCONFIRMED)


class Submission(models.Model):
    # Answers, exactly as validated by SubmissionForm.
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=100)
    about = models.TextField(max_length=2000)
    hobby = models.CharField(max_length=100)
    color = models.CharField(max_length=10, choices=Color.choices)
    saying = models.CharField(max_length=200, blank=True)
    dream_job = models.CharField(max_length=100, blank=True)
    # The language the form was filled in: its email and PDF are written in it (summaries/i18n/).
    # The database's own defaults on the columns added since the first release let a web process
    # of the release before, still running during a rolling deploy, or a bulk load, insert rows.
    language = models.CharField(max_length=16, default=settings.LANGUAGE_CODE, db_default=settings.LANGUAGE_CODE)

    # The status page's address: unguessable, unlike the id.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Double opt-in: the link emailed to the recipient (never shown to whoever filled in the form).
    confirmation_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    # No index of its own: every index below that starts with the status serves a lookup by status.
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Who holds the row and until when; see services/claims.py.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # When the next try is due after a temporary failure (None: now).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a message for this row was last handed to the broker (None: no message is out).
    enqueued_at = models.DateTimeField(null=True, blank=True)

    pdf = models.FileField(upload_to="summaries/", blank=True)
    # When the PDF was deleted, PDF_RETENTION_DAYS after submission (the answers stay longer).
    pdf_removed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The W3C traceparent of the POST that made the row, when tracing is on: the web never
    # publishes, so the workers continue its trace from here (observability/tracing.py).
    trace_context = models.CharField(max_length=55, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="summaries_due_idx"),
            # The relay's look for rows with no message out (services/relay.py), 20 times a second
            # in every worker: it must not walk a backlog whose messages are already out.
            models.Index(fields=["status", "enqueued_at"], name="summaries_unpublished_idx"),
            # The admin overview's last day (services/last_day.py) reads only the day's sent rows.
            models.Index(fields=["sent_at"], name="summaries_sent_at_idx"),
            # Its failed rows, by their last change (their failure), in indexes of failed rows only:
            # an hour's failures are found without reading every failure the history keeps. One
            # shape for each planner. PostgreSQL searches the first by time; it leaves a partial
            # index's own condition out of the search, so it would read all of the second.
            # SQLite, which plans without statistics, prefers (status, created_at, id) to any
            # index that does not also start with the status, and searches the second.
            models.Index(
                fields=["updated_at"],
                condition=models.Q(status=SubmissionStatus.FAILED),
                name="summaries_failed_at_idx",
            ),
            models.Index(
                fields=["status", "updated_at"],
                condition=models.Q(status=SubmissionStatus.FAILED),
                name="summaries_status_failed_at_idx",
            ),
            # Rows still in the pipeline, oldest first: the relay, the sweep and the overview read
            # only these, however many sent ones are kept (docs/growth.md).
            models.Index(
                fields=["created_at"], condition=models.Q(status__in=ACTIVE_STATUSES), name="summaries_active_idx"
            ),
            # The admin's list filtered by status, newest first (its whole order, id too, so that a
            # page or its bounded count reads only the rows it needs); the overview's recent counts.
            models.Index(fields=["status", "created_at", "id"], name="summaries_status_created_idx"),
            # The admin's search: a whole address, in any case.
            models.Index(Lower("email"), name="summaries_email_lower_idx"),
            # The PDFs still kept, oldest first: what the retention job removes at PDF_RETENTION_DAYS.
            models.Index(fields=["created_at"], condition=~models.Q(pdf=""), name="summaries_pdf_kept_idx"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.status})"


class SubmissionEvent(models.Model):
    """One line of a submission's history: every state change, with the error if there was one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices)
    detail = models.TextField(blank=True)
    # The Celery worker (its node name, e.g. worker@host-a) that made the change; blank when
    # the web or the admin did. Shows which machine did each step, and who took over.
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status}"


class StoredFile(models.Model):
    """A file kept by DatabaseStorage: rendered PDFs, readable from every machine."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    # Indexed for the retention job, which deletes files past their age whatever their row did.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A Celery worker saying it is alive: written every few seconds by the worker itself."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname


class RateLimitCount(models.Model):
    """How many submits one client address or recipient made in one window (security/rate_limits.py)."""

    # A salted hash with the scope and window: never the address or email itself.
    key = models.CharField(max_length=128, primary_key=True)
    count = models.PositiveIntegerField()
    # The window's end plus a margin; the hourly retention job deletes the rows past it.
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed by the recipient")
    HARD_BOUNCE = "hard_bounce", _("Permanent bounce")
    STAFF = "staff", _("Added by staff")


class Suppression(models.Model):
    """An address that is never emailed again, kept as a keyed hash so that it outlives the retention purge."""

    # HMAC-SHA256 of the normalised address (services/suppression.py): never the address itself.
    address_hash = models.CharField(max_length=64, unique=True, editable=False)
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    # What the remote server said for a bounce, with addresses redacted; empty otherwise.
    detail = models.TextField(_("detail"), blank=True)
    suppressed_at = models.DateTimeField(_("suppressed at"))
    # A lifted suppression is kept (with who lifted it) so that the admin's history makes sense.
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.CharField(_("lifted by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-suppressed_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return f"{self.address_hash[:12]}… ({self.reason})"


class AdminAction(models.TextChoices):
    VIEWED_ANSWERS = "viewed_answers", _("Viewed the answers")
    RETRIED = "retried", _("Retry requested")
    ERASED = "erased", _("Answers and PDF erased")
    SUPPRESSION_LIFTED = "suppression_lifted", _("Suppression lifted")


class AdminAuditRecord(models.Model):
    """One thing a staff member did to a submission in the admin: who, what, when; never the answers."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text too, so the record still names them after their account is deleted.
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=AdminAction.choices)
    # Not a foreign key: the record outlives the row (erased, or deleted by the retention job).
    submission_id = models.PositiveBigIntegerField(null=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.submission_id}"
