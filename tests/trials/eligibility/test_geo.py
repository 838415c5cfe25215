import pytest

from trials.eligibility import SiteLocation, haversine_km, km_to_miles, miles_to_km, nearest_site


def test_haversine_matches_a_known_distance():
    # Houston to Dallas, city centres: about 362 km
    assert haversine_km(29.7604, -95.3698, 32.7767, -96.7970) == pytest.approx(362, abs=3)


def test_distance_to_the_same_point_is_zero():
    assert haversine_km(10, 20, 10, 20) == 0


def test_miles_and_km_convert_both_ways():
    assert km_to_miles(1.609344) == pytest.approx(1)
    assert miles_to_km(km_to_miles(42)) == pytest.approx(42)


def test_nearest_site_returns_the_index_and_distance_of_the_closest_recruiting_site():
    sites = [SiteLocation(32.78, -96.80, label="Dallas"), SiteLocation(29.75, -95.37, recruiting=False),
             SiteLocation(29.71, -95.40, label="TMC")]
    index, km = nearest_site(29.76, -95.37, sites)
    assert index == 2 and km < 10
    assert nearest_site(29.76, -95.37, sites, recruiting_only=False)[0] == 1


def test_nearest_site_is_none_without_recruiting_sites():
    assert nearest_site(0, 0, []) is None
    assert nearest_site(0, 0, [SiteLocation(0, 0, recruiting=False)]) is None
