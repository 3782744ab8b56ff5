"""The submission row: the one source of truth for where each person's summary is."""

import secrets

from django.db import models
from django.db.models.functions import Lower


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Color(models.TextChoices):
    RED = "Red"
    BLUE = "Blue"
    GREEN = "Green"
    YELLOW = "Yellow"
    PURPLE = "Purple"
    BLACK = "Black"
    WHITE = "White"


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

    # The status page's address: unguessable, unlike the id.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Double opt-in: the link emailed to the recipient (never shown to whoever filled in the form).
    confirmation_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED, db_index=True
    )
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

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="summaries_due_idx"),
            # The relay's look for rows with no message out (services/relay.py), 20 times a second
            # in every worker: it must not walk a backlog whose messages are already out.
            models.Index(fields=["status", "enqueued_at"], name="summaries_unpublished_idx"),
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
