"""The staff side: login lockout (django-axes), two factors (django-otp), the audit of admin actions."""
