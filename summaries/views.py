"""HTTP only: validate, hand over to the services, answer."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from summaries.forms import SubmissionForm
from summaries.models import Submission
from summaries.services.health import health_report
from summaries.services.intake import accept_submission
from summaries.services.status import status_payload

SUBMITTED_MESSAGE = "Your summary is being generated and will be emailed shortly."


@require_http_methods(["GET", "POST"])
def submit_form(request):
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        submission = accept_submission(form.cleaned_data)
        messages.success(request, SUBMITTED_MESSAGE)
        return redirect("summaries:status", token=submission.token)
    return render(request, "summaries/form.html", {"form": form}, status=400 if form.is_bound else 200)


@require_GET
def submission_status(request, token: str):
    submission = get_object_or_404(Submission, token=token)
    return render(request, "summaries/status.html", {"submission": submission, "status": status_payload(submission)})


@require_GET
def submission_status_json(request, token: str):
    submission = get_object_or_404(Submission, token=token)
    return JsonResponse(status_payload(submission), headers={"Cache-Control": "no-store"})


@require_GET
def submission_pdf(request, token: str):
    submission = get_object_or_404(Submission, token=token)
    if not submission.pdf:
        raise Http404("The summary has not been rendered yet.")
    return FileResponse(submission.pdf.open("rb"), content_type="application/pdf", filename="summary.pdf")


@require_safe
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
