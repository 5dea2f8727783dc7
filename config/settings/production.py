"""Production: behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (and appends the client's
address to X-Forwarded-For). `manage.py check --deploy --fail-level WARNING` passes with these settings
(tests/test_deploy.py runs it)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import env

DEBUG = False

# A missing, empty or short key would let the server start and sign sessions and CSRF tokens with a guessable
# key (or answer 500 to everything): refuse to start, in one line. Django's own check asks for 50 characters.
MIN_SECRET_KEY_LENGTH = 50
SECRET_KEY = env("DJANGO_SECRET_KEY", default="").strip()
if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is {'missing or empty' if not SECRET_KEY else 'too short or too plain'}: set it to at least "
        f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# HTTPS only. The proxy says which scheme the client used; anything else is redirected to https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# HSTS: browsers refuse plain http for a year. Preload only takes effect once the domain is submitted to the
# browsers' preload list; the header alone commits to nothing more.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
# The CSP (base settings) adds upgrade-insecure-requests in production.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

# The reverse proxy in front appends the client's address to X-Forwarded-For (sign-in lockout by address).
RIGHTSDESK_TRUSTED_PROXIES = env.int("RIGHTSDESK_TRUSTED_PROXIES", default=1)

# The policy watch never fetches loopback, private or link-local addresses in production (SSRF).
WATCH_ALLOW_PRIVATE_ADDRESSES = False
