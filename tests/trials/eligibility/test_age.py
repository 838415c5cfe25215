"""Age is counted in completed years on the day of the run; bounds are inclusive."""

from datetime import date

import pytest

from tests.trials.eligibility.wording import sentences_of
from trials.eligibility import Profile, evaluate
from trials.eligibility.profile import completed_months


def age_outcome(rule, birth_date, today):
    return evaluate({"age": rule}, Profile(birth_date=birth_date), today=today).reasons[0].outcome


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 5, 31), "not_met"),  # day before the 18th birthday
    (date(2026, 6, 1), "met"),  # the 18th birthday
])
def test_minimum_age_is_reached_on_the_birthday(today, expected):
    assert age_outcome({"min": 18}, date(2008, 6, 1), today) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (date(2027, 5, 31), "met"),  # day before the 76th birthday: still 75
    (date(2027, 6, 1), "not_met"),  # the 76th birthday
])
def test_maximum_age_75_holds_until_the_day_before_the_76th_birthday(today, expected):
    assert age_outcome({"max": 75}, date(1951, 6, 1), today) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 2, 28), "not_met"),  # common year: a Feb 29 baby turns 18 on Mar 1
    (date(2026, 3, 1), "met"),
    (date(2028, 2, 28), "met"),
])
def test_a_feb_29_birthday_completes_its_year_on_march_1_in_common_years(today, expected):
    assert age_outcome({"min": 18}, date(2008, 2, 29), today) == expected


def test_a_feb_29_birthday_completes_its_year_on_feb_29_in_leap_years():
    assert age_outcome({"min": 20}, date(2008, 2, 29), date(2028, 2, 29)) == "met"
    assert age_outcome({"min": 20}, date(2008, 2, 29), date(2028, 2, 28)) == "not_met"


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 7, 14), "not_met"),  # 5 months and some days
    (date(2026, 7, 15), "met"),  # exactly 6 months
])
def test_fractional_bounds_compare_in_months(today, expected):
    assert age_outcome({"min": 0.5}, date(2026, 1, 15), today) == expected


def test_fractional_maximum_is_inclusive_in_completed_months():
    born = date(2025, 1, 15)
    assert age_outcome({"max": 1.5}, born, date(2026, 8, 14)) == "met"  # 18 months and 30 days
    assert age_outcome({"max": 1.5}, born, date(2026, 8, 15)) == "not_met"  # 19 months


def test_completed_months_counts_only_whole_months():
    assert completed_months(date(2000, 1, 31), date(2000, 2, 29)) == 0
    assert completed_months(date(2000, 1, 31), date(2000, 3, 31)) == 2


def test_the_age_sentence_reads_like_the_design():
    verdict = evaluate({"age": {"min": 18, "max": 75}}, Profile(birth_date=date(1972, 5, 1)), today=date(2026, 11, 27))
    coordinator, patient = sentences_of(verdict.reasons[0])
    assert coordinator == {"en": "Age 54 is within 18–75", "es": "La edad 54 está entre 18 y 75"}
    assert patient == {"en": "You are 54 years old; the trial accepts 18–75 years.",
                       "es": "Tiene 54 años; el estudio acepta de 18 a 75 años."}


def test_a_one_year_old_is_told_in_the_singular_in_both_languages():
    verdict = evaluate({"age": {"min": 1}}, Profile(birth_date=date(2025, 11, 1)), today=date(2026, 11, 27))
    _, patient = sentences_of(verdict.reasons[0])
    assert patient == {"en": "You are 1 year old; the trial accepts at least 1 year.",
                       "es": "Tiene 1 año; el estudio acepta como mínimo 1 año."}
