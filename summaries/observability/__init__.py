"""Seeing the pipeline work: Prometheus metrics, OpenTelemetry traces, Sentry, JSON logs (docs/observability.md)."""
