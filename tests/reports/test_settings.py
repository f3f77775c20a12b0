"""The term and the thresholds figures are judged by come from the environment (a province
may change them); defaults from the seeds (004 §II.1.2, 000 §II.2)."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, FigureSettings, load, load_rules, load_settings
from bot.domain.calendar import Term
from bot.domain.targets import CoverageFlag, Targets


def test_defaults_are_the_seeds() -> None:
    t = load(FigureSettings).targets()
    assert t == Targets()
    assert (t.term, t.reference_year, t.coverage, t.coverage_strict) == (
        Term(2022, 2027),
        2019,
        0.6,
        False,
    )
    assert (t.coverage_weak, t.commune_new_members) == (0.5, 15)
    assert t.flag(0.6) == CoverageFlag.MET  # "từ 60% trở lên" (004 appendix)


def test_a_province_sets_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in [
        ("CHIHOI_TERM", "2027-2032"),
        ("CHIHOI_TERM_REFERENCE_YEAR", "2024"),
        ("CHIHOI_COVERAGE_TARGET", "83"),
        ("CHIHOI_COVERAGE_RULE", "above"),
        ("CHIHOI_COMMUNE_NEW_MEMBERS", "20"),
    ]:
        monkeypatch.setenv(name, value)
    rules = load_rules(load_settings())
    t = rules.targets
    assert (t.term, t.reference_year, t.commune_new_members) == (Term(2027, 2032), 2024, 20)
    assert t.flag(0.83) == CoverageFlag.BELOW  # "trên 83%": strictly above
    assert t.flag(0.831) == CoverageFlag.MET


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHIHOI_TERM", "2022"),
        ("CHIHOI_TERM", "2027-2022"),
        ("CHIHOI_COVERAGE_RULE", "over"),
        ("CHIHOI_COVERAGE_TARGET", "160"),
    ],
)
def test_a_bad_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load(FigureSettings)
    assert str(err.value).startswith(f"{name}: ")
    assert "\n" not in str(err.value)
