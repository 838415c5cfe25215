"""Postal codes to coordinates and time zones, from the packaged `zipcodes` data: no network at run time."""

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import zipcodes

# ASCII digits only: `\d` also matches full-width and Arabic-Indic digits, which the `zipcodes` library answers
# with a Rust panic (not an Exception: it escapes Django's error handling) that prints the code on stderr.
US_ZIP = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")


def is_well_formed_zip(postal_code):
    return bool(US_ZIP.match(postal_code or ""))


def warm():
    """Load the packaged ZIP data now: the first lookup in a process reads it, which takes most of a second.

    A web server calls this as it starts (see bench/load_wsgi.py) so no patient's request pays for it."""
    locate_zip("77030")


@lru_cache(maxsize=4096)
def _zip_record(postal_code):
    if not is_well_formed_zip(postal_code):
        return None
    try:
        found = zipcodes.matching(postal_code[:5])
    except (ValueError, TypeError):
        return None
    return found[0] if found else None


def locate_zip(postal_code):
    """(latitude, longitude) of a US ZIP code's centre, or None when the code is unknown."""
    record = _zip_record(postal_code or "")
    if not record or not record.get("lat"):
        return None
    return float(record["lat"]), float(record["long"])


def zip_time_zone(postal_code):
    """The IANA time zone ("America/Chicago") of a US ZIP code, as the packaged data gives it; None when the code
    or its zone is unknown (the zone must also be one this machine's time zone database knows)."""
    name = (_zip_record(postal_code or "") or {}).get("timezone")
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
