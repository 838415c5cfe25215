"""The trials admin, one module per thing it manages: trials (with the criteria builder), imports, teams."""

from . import imports, teams, trials  # noqa: F401  (each registers its ModelAdmin)
