import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from ipware import get_client_ip

# django.contrib.auth's User.username.
USERNAME_MAX_LENGTH = 150


def client_ip(request):
    """The client's address, as django-ipware reads it with TRUSTED_PROXY_COUNT proxies in front of us.

    With none (the default), REMOTE_ADDR, and X-Forwarded-For is never read: anyone can send it. With n, the
    header is read from the right, past the entries our own proxies appended, so what a client wrote into it
    itself is ignored. The rate limits, the signer's recorded address and django-axes (AXES_CLIENT_IP_CALLABLE)
    all use this one reading.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address, _routable = get_client_ip(
        request,
        # ipware counts the proxies listed in the header; the one nearest us is REMOTE_ADDR, not listed there.
        proxy_count=proxies - 1 if proxies else None,
        request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if proxies else ["REMOTE_ADDR"],
        strict=False,  # a client may have put entries of its own in front of ours: ignore them, not the header
    )
    return address


def sign_in_username(request, credentials=None):
    """The username django-axes records a failed sign-in under, cut to the length a username can have: Django's
    sign-in form passes any length on, and axes' column (255) would refuse a longer one with a server error."""
    username = (credentials or {}).get("username") if credentials else request.POST.get("username")
    return (username or "")[:USERNAME_MAX_LENGTH] or None


class NoStoreForPrivatePagesMiddleware:
    """Keep pages out of shared and browser caches: nearly every page here can carry health data.

    Only static files (served by whitenoise before this runs) and the public landing page may be cached.
    """

    public_paths = {"/", "/healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path not in self.public_paths and not request.path.startswith("/" + settings.STATIC_URL):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class RateLimitMiddleware:
    """Refuse POSTs beyond a budget per client address and path: intake submissions and sign-in.

    `settings.RATE_LIMITS` maps a path to (requests, seconds). The count lives in Django's cache, so
    every gunicorn worker on every machine shares it once CACHES points at Redis (see settings). A fixed
    window is enough here: the point is to stop a script filling the database or guessing passwords, not
    to shape traffic. django-axes still locks an account out after repeated failed sign-ins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.RATE_LIMITS.get(request.path) if request.method == "POST" else None
        if limit and not self._allowed(request, *limit):
            return self._refuse(limit[1])
        return self.get_response(request)

    @staticmethod
    def _allowed(request, budget, window_s):
        address = client_ip(request) or ""
        window = int(time.time() // window_s)
        key = f"ratelimit:{request.path}:{address}:{window}"
        cache.add(key, 0, timeout=window_s + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_s + 1)
            count = 1
        return count <= budget

    @staticmethod
    def _refuse(window_s):
        message = _("Too many attempts from your connection. Please wait a minute and try again.")
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(window_s)
        return response
