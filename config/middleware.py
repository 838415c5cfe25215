from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


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
