"""Defences at the HTTP edge: request size, client address and rate limits.

The Content-Security-Policy is django-csp's, configured in core/settings.py.
"""
