"""The person's language: which one a request is in, and the submission's own around a job."""
