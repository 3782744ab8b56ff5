"""The development outbox: emails captured to files, and pages to read them in the browser."""
