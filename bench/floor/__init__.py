"""The floor for submit latency: a bare view served by the benchmark's web server only."""
