"""Every admin action on a submission is recorded with who and when, and never with the answers."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from summaries.models import AdminAction, AdminAuditRecord, Submission, SubmissionStatus
from summaries.staff.audit import record_admin_action
from summaries.tests.answers import ANSWERS
from summaries.tests.factories import make_submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/summaries/submission/"


@pytest.fixture
def operator(client):
    user = User.objects.create(username="operator", is_staff=True, is_superuser=True)
    log_in_with_two_factors(client, user)
    return user


def trail() -> list[tuple[str, str, int]]:
    return list(AdminAuditRecord.objects.order_by("pk").values_list("actor_username", "action", "submission_id"))


def test_opening_a_submission_records_a_view_of_its_answers(client, operator):
    submission = make_submission()

    client.get(f"{CHANGELIST}{submission.pk}/change/")

    assert trail() == [("operator", AdminAction.VIEWED_ANSWERS, submission.pk)]
    assert AdminAuditRecord.objects.get().actor == operator


def test_a_missing_submission_or_the_list_records_no_view(client, operator):
    client.get(f"{CHANGELIST}999/change/")
    client.get(CHANGELIST)
    assert trail() == []


def test_a_retry_is_recorded_for_each_submission_reopened(client, operator):
    failed = make_submission(status=SubmissionStatus.FAILED)
    sent = make_submission(status=SubmissionStatus.SENT)

    client.post(CHANGELIST, {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]})

    assert trail() == [("operator", AdminAction.RETRIED, failed.pk)]


def test_staff_can_erase_and_the_erase_is_recorded(client, operator):
    submission = make_submission()

    client.post(CHANGELIST, {"action": "erase_selected", "_selected_action": [submission.pk]})

    assert Submission.objects.get().status == SubmissionStatus.ERASED
    assert trail() == [("operator", AdminAction.ERASED, submission.pk)]


def test_the_hook_for_lifting_a_suppression_records_it():
    request = RequestFactory().post("/")
    request.user = User.objects.create(username="lifter", is_staff=True)

    record_admin_action(request, action=AdminAction.SUPPRESSION_LIFTED, submission_ids=[7])

    assert trail() == [("lifter", AdminAction.SUPPRESSION_LIFTED, 7)]


def test_no_record_holds_any_answer(client, operator):
    submission = make_submission()
    client.get(f"{CHANGELIST}{submission.pk}/change/")
    client.post(CHANGELIST, {"action": "erase_selected", "_selected_action": [submission.pk]})

    stored = repr(list(AdminAuditRecord.objects.values()))

    assert len(trail()) == 2
    for answer in (ANSWERS["email"], ANSWERS["name"], ANSWERS["about"], ANSWERS["hobby"]):
        assert answer not in stored


def test_the_trail_is_readable_in_the_admin_but_not_editable(client, operator):
    submission = make_submission()
    client.get(f"{CHANGELIST}{submission.pk}/change/")
    record = AdminAuditRecord.objects.get()

    listed = client.get("/admin/summaries/adminauditrecord/")
    opened = client.get(f"/admin/summaries/adminauditrecord/{record.pk}/change/")
    deleted = client.post(f"/admin/summaries/adminauditrecord/{record.pk}/delete/", {"post": "yes"})

    assert listed.status_code == 200 and "operator" in listed.text
    assert opened.status_code == 200 and 'type="submit"' not in opened.text.split('id="content-main"')[1]
    assert deleted.status_code == 403 and AdminAuditRecord.objects.count() == 1


def test_the_admin_answers_at_admin_url(client, operator, settings):
    from importlib import reload

    from django.urls import clear_url_caches

    import core.urls

    settings.ADMIN_URL = "staff-7f3a/"
    clear_url_caches()
    reload(core.urls)
    try:
        assert client.get("/staff-7f3a/summaries/submission/").status_code == 200
        assert client.get("/admin/summaries/submission/").status_code == 404
        assert client.get("/staff-7f3a/two-factor/").status_code == 200
        assert Client().get("/staff-7f3a/")["Location"].startswith("/staff-7f3a/login/")
    finally:
        settings.ADMIN_URL = "admin/"
        clear_url_caches()
        reload(core.urls)
