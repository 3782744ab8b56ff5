"""The least a submit can do: insert the same row and redirect. No form, no event, no publish."""

from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from summaries.forms import SubmissionForm
from summaries.models import Submission


@require_POST
def bare_submit(request):
    answers = {name: request.POST.get(name, "") for name in SubmissionForm.ANSWERS}
    # enqueued_at set: a message counts as out, so no relay publishes these rows (they are not jobs).
    # The product's insert writes the same columns, with enqueued_at empty for the relay.
    submission = Submission.objects.create(**answers, enqueued_at=timezone.now())
    return redirect("summaries:status", token=submission.token)
