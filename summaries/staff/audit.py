"""The audit trail of the admin: every action on a submission, with who did it and when.

A record names the submission by its id only and copies nothing of its answers, so it is not
personal data of the person and survives their erasure. Anything new that staff can do to a
submission records itself here. Lifting a suppression is recorded with no submission id: the
suppression list names no submission.
"""

from collections.abc import Iterable

from django.http import HttpRequest

from summaries.models import AdminAction, AdminAuditRecord


def record_admin_action(request: HttpRequest, *, action: AdminAction, submission_ids: Iterable[int | None]) -> None:
    user = request.user
    AdminAuditRecord.objects.bulk_create(
        [
            AdminAuditRecord(actor=user, actor_username=user.get_username(), action=action, submission_id=pk)
            for pk in submission_ids
        ]
    )
