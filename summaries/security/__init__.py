"""Defences at the HTTP edge: request size, client address, rate limits, Content-Security-Policy."""
