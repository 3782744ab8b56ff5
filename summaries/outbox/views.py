from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from summaries.outbox.reading import get_captured, list_captured


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
def outbox_attachment(request, name: str, index: int):
    captured = get_captured(name)
    attachments = captured.attachments() if captured else []
    if index >= len(attachments):
        raise Http404("No such attachment.")
    part = attachments[index]
    response = HttpResponse(part.get_content(), content_type=part.get_content_type())
    response["Content-Disposition"] = f'inline; filename="{part.get_filename() or "attachment"}"'
    return response
