"""The development outbox: captured emails, newest first, each with its PDF one click away."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from summaries.outbox.reading import get_captured, list_captured

# The email's HTML is shown as its own document, sandboxed: it may style itself, never run or fetch.
HTML_PART_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@require_GET
def outbox_list(request):
    return render(request, "summaries/outbox_list.html", {"emails": list_captured()})


@require_GET
def outbox_detail(request, name: str):
    captured = get_captured(name)
    if captured is None:
        raise Http404("No such captured email.")
    return render(request, "summaries/outbox_detail.html", {"email": captured, "name": name})


@require_GET
def outbox_html(request, name: str):
    captured = get_captured(name)
    if captured is None or not captured.html():
        raise Http404("No HTML version.")
    response = HttpResponse(captured.html(), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_POLICY
    return response


@require_GET
def outbox_attachment(request, name: str, index: int):
    captured = get_captured(name)
    attachments = captured.attachments() if captured else []
    if index >= len(attachments):
        raise Http404("No such attachment.")
    part = attachments[index]
    response = HttpResponse(part.get_content(), content_type=part.get_content_type())
    # inline: the browser opens the PDF in its own viewer rather than downloading it.
    response["Content-Disposition"] = f'inline; filename="{part.get_filename() or "attachment"}"'
    return response
