"""A Content-Security-Policy header on every response (Django 5.2 has none built in).

Pages load scripts and styles only from this site's own static files: no inline <script>,
<style> or style="" is allowed, so text that slipped into a page could not run or restyle it.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {value}" for name, value in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
