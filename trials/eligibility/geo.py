"""Distances between a patient and a trial's sites."""

from __future__ import annotations

from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class SiteLocation:
    latitude: float
    longitude: float
    recruiting: bool = True
    label: str = ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; within ~0.5% of road-free truth, plenty for a travel radius."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def km_to_miles(km: float) -> float:
    return km / KM_PER_MILE


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


def nearest_site(latitude: float, longitude: float, sites, recruiting_only: bool = True) -> tuple[int, float] | None:
    """(index into `sites`, km) of the nearest site, or None when there is none to go to.

    Non-recruiting sites are skipped by default: a patient cannot be seen at a closed site.
    """
    best: tuple[int, float] | None = None
    for index, site in enumerate(sites):
        if recruiting_only and not site.recruiting:
            continue
        if site.latitude is None or site.longitude is None:
            continue
        km = haversine_km(latitude, longitude, site.latitude, site.longitude)
        if best is None or km < best[1]:
            best = (index, km)
    return best
