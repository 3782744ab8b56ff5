"""HTTP only: validate, hand over to the services, answer."""

from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from summaries.forms import SubmissionForm
from summaries.i18n.languages import current_language
from summaries.models import Submission, SubmissionStatus
from summaries.observability import metrics, tracing
from summaries.observability.metrics import refusal_reason
from summaries.security.client_ip import client_ip, rate_limit_key
from summaries.security.rate_limits import LimitExceeded, check_submission
from summaries.services.confirmation import confirm
from summaries.services.erasure import erase_submission
from summaries.services.health import health_report
from summaries.services.intake import accept_submission
from summaries.services.sqlite_writes import turn_to_write
from summaries.services.status import status_payload


@require_http_methods(["GET", "POST"])
def submit_form(request):
    if request.method == "POST":
        with tracing.submit_span():
            return _submit(request)
    return render(request, "summaries/form.html", {"form": SubmissionForm()})


def _submit(request):
    form = SubmissionForm(request.POST)
    if not form.is_valid():
        metrics.count_refused(refusal_reason(form))
        return render(request, "summaries/form.html", {"form": form}, status=400)
    # One transaction, so the counts and the new row cost a single commit (a refused
    # attempt commits its counts and nothing else).
    with turn_to_write(), transaction.atomic():
        exceeded = check_submission(ip_key=rate_limit_key(client_ip(request)), recipient=form.cleaned_data["email"])
        submission = None if exceeded else accept_submission(form.answers(), language=current_language())
    if exceeded:
        metrics.count_refused("rate_limit")
        return too_many(request, exceeded)
    if submission.status == SubmissionStatus.SUPPRESSED:
        # Counted for operators only: the person sees the same answer as for any other address.
        metrics.count_refused("suppressed")
    else:
        metrics.count_accepted()
    tracing.annotate(submission_id=submission.pk)
    # No flash message: the status page says where the submission is (services/status.py),
    # and a signed message cookie would cost every submit its encoding and signature.
    return redirect("summaries:status", token=submission.token)


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


@require_http_methods(["GET", "POST"])
def erase_answers(request, token: str):
    """The person deletes their answers and PDF: a page that asks first, then a POST that does it."""
    submission = get_object_or_404(Submission, token=token)
    if submission.status == SubmissionStatus.ERASED:
        return redirect("summaries:status", token=token)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        erase_submission(submission.pk)
        return redirect("summaries:status", token=token)
    status = 400 if request.method == "POST" else 200
    return render(request, "summaries/erase.html", {"submission": submission}, status=status)


@require_http_methods(["GET", "POST"])
def confirm_address(request, token: str):
    # Following the link only shows a button: mail scanners open links, but do not press buttons.
    if request.method == "GET":
        get_object_or_404(Submission, confirmation_token=token)
        return render(request, "summaries/confirm.html", {"token": token})
    submission = confirm(token)
    if submission is None:
        raise Http404("No such confirmation link.")
    return redirect("summaries:status", token=submission.token)


def too_many(request, exceeded: LimitExceeded):
    minutes = max(round(exceeded.retry_after / 60), 1)
    response = render(request, "summaries/rate_limited.html", {"scope": exceeded.scope, "minutes": minutes}, status=429)
    response["Retry-After"] = str(exceeded.retry_after)
    return response


@require_safe
def healthz(request):
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
