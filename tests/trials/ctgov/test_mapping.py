import pytest

from trials.ctgov.mapping import RecordError, map_conditions, parse_age, status_key


@pytest.mark.parametrize("text, years", [
    ("18 Years", 18), ("1 Year", 1), ("6 Months", 0.5), ("2 Weeks", 0.0383), ("30 Days", 0.0821),
    ("N/A", None), ("", None), (None, None),
])
def test_registry_age_strings_become_years(text, years):
    assert parse_age(text, which="minimum", nct_id="NCT90000001") == years


@pytest.mark.parametrize("text", ["eighteen", "18", "18 Yrs old", "-5 Years"])
def test_a_malformed_age_is_refused_with_its_text(text):
    with pytest.raises(RecordError, match="malformed minimum age"):
        parse_age(text, which="minimum", nct_id="NCT90000001")


def test_a_maximum_age_beyond_the_criteria_language_means_no_upper_limit():
    assert parse_age("150 Years", which="maximum", nct_id="NCT90000001") is None


@pytest.mark.parametrize("text, key", [
    ("Recruiting", "RECRUITING"), ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"),
    ("Unknown status", "UNKNOWN"), ("NOT_YET_RECRUITING", "NOT_YET_RECRUITING"),
    ("Approved for marketing", "APPROVED_FOR_MARKETING"), ("Something new", "UNKNOWN"),
])
def test_legacy_and_v2_statuses_map_to_trial_statuses(text, key):
    assert status_key(text) == key


def test_the_most_specific_codes_win_and_unmapped_conditions_are_kept():
    codes, unmapped = map_conditions(["Carcinoma", "Carcinoma, Non-Small-Cell Lung", "Rare Fictional Syndrome"], [])
    assert codes == ["onc:NSCLC"]
    assert unmapped == ["Rare Fictional Syndrome"]
