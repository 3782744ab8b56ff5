"""Operating the submission queue from a shell: what is waiting, retry what failed, publish what is stuck."""

from django.core.management.base import BaseCommand, CommandError

from summaries.models import Submission, SubmissionStatus
from summaries.services.claims import reopen_failed
from summaries.services.overview import counts_by_status, oldest_waiting
from summaries.services.sweep import stalled_submissions, sweep_stalled_submissions


class Command(BaseCommand):
    help = "Inspect and nudge the submission queue (counts, retry-failed, requeue-stuck)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{counts,retry-failed,requeue-stuck}")
        actions.add_parser("counts", help="Submissions by status, and how long the oldest unfinished one has waited.")
        retry = actions.add_parser("retry-failed", help="Give failed submissions a fresh set of attempts.")
        retry.add_argument(
            "--id", dest="ids", type=int, nargs="+", metavar="N", help="Only these submissions (default: all failed)."
        )
        actions.add_parser("requeue-stuck", help="Publish now every submission the periodic sweep would publish.")

    def handle(self, *args, action, **options):
        if action == "counts":
            self._counts()
        elif action == "retry-failed":
            self._retry_failed(options["ids"])
        else:
            published = sweep_stalled_submissions()
            self.stdout.write(f"Published {published} stuck submission(s).")

    def _counts(self) -> None:
        counts = counts_by_status()
        width = max(map(len, counts))
        for status, count in counts.items():
            self.stdout.write(f"{status:<{width}} {count}")
        oldest = oldest_waiting()
        if oldest is None:
            self.stdout.write("Nothing is waiting.")
        else:
            self.stdout.write(
                f"Oldest unfinished: submission {oldest.submission_id} ({oldest.status}), "
                f"waiting {_duration(oldest.age_seconds)}."
            )
        self.stdout.write(f"Stuck now (requeue-stuck would publish): {stalled_submissions().count()}")

    def _retry_failed(self, ids: list[int] | None) -> None:
        failed = Submission.objects.filter(status=SubmissionStatus.FAILED)
        if ids:
            found = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "status"))
            missing = sorted(set(ids) - set(found))
            if missing:
                raise CommandError(f"No submission with id {', '.join(map(str, missing))}: nothing was retried.")
            for pk in ids:
                if found[pk] != SubmissionStatus.FAILED:
                    self.stdout.write(f"Submission {pk} is {found[pk]}, not failed: left alone.")
            failed = failed.filter(pk__in=ids)
        reopened = reopen_failed(failed)
        if reopened:
            self.stdout.write(f"Retrying {len(reopened)} submission(s): {', '.join(map(str, reopened))}.")
        else:
            self.stdout.write("No failed submissions to retry.")


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {seconds:02d}s" if hours else f"{minutes}m {seconds:02d}s"
