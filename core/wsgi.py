import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
application = get_wsgi_application()

from summaries.web_warmup import warm_up_web  # noqa: E402 - needs the apps loaded above

warm_up_web()
