"""Reading the submission rows straight from a stack's PostgreSQL database: the truth."""

from collections import Counter
from dataclasses import dataclass

import psycopg

from tests.integration.stack import wait_until


@dataclass
class Rows:
    database_url: str

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def statuses(self, tokens: list[str]) -> Counter:
        rows = self.query("SELECT status, count(*) FROM summaries_submission WHERE token = ANY(%s) GROUP BY 1", tokens)
        return Counter(dict(rows))

    def wait_all_sent(self, tokens: list[str]) -> None:
        def all_sent() -> bool:
            failed = self.query(
                "SELECT id, last_error FROM summaries_submission WHERE token = ANY(%s) AND status = 'failed'", tokens
            )
            assert not failed, failed
            return self.statuses(tokens)["sent"] == len(tokens)

        wait_until(all_sent, 400, f"{len(tokens)} submissions sent", interval=0.5)

    def workers_of(self, tokens: list[str], status: str) -> Counter:
        """How many events of `status` each worker node recorded for these submissions."""
        rows = self.query(
            "SELECT e.worker FROM summaries_submissionevent e JOIN summaries_submission s ON s.id = e.submission_id"
            " WHERE s.token = ANY(%s) AND e.status = %s",
            tokens,
            status,
        )
        return Counter(worker for (worker,) in rows)
