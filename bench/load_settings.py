"""Settings for the load benchmark: the project's own, with the bare comparison view added to the URLs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
