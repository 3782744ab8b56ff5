"""Run a Celery command with this process's wall clock shifted, as on a host whose clock is off.

    python -m tests.faults.shifted_clock SECONDS celery -A core worker ...

time-machine moves Python's wall clock (time.time, datetime.now) by SECONDS and lets it tick on;
the monotonic clock that timers and timeouts use stays true. A prefork worker's pool processes
are forked from this one and keep the shift. (libfaketime does the same from outside the
process, but it moves the monotonic clock too, and then Python's lock timeouts never end.)
"""

import sys
from datetime import UTC, datetime, timedelta

import time_machine
from celery.__main__ import main

if __name__ == "__main__":
    shift = timedelta(seconds=float(sys.argv[1]))
    time_machine.travel(datetime.now(UTC) + shift, tick=True).start()
    sys.argv = sys.argv[2:]
    sys.exit(main())
