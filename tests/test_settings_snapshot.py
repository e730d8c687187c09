"""One typed snapshot of a book's settings: each rule's configuration from the registry's
defaults and the book's values, and a count of the changes that tells a screen to read again."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from fractions import Fraction

import pytest

from segtui.domain.estimate import EstimateConfig
from segtui.domain.planning import PlanConfig
from segtui.domain.routes import RouteConfig
from segtui.domain.segments import Config, Quadrant
from segtui.domain.settings import DEFAULT_CURRENCY, DEFAULTS, REGISTRY, SettingError, Settings
from segtui.domain.trends import TrendConfig
from segtui.store.book import open_book


def test_each_configuration_left_alone_is_the_registrys_defaults() -> None:
    defaults = Settings.from_values()
    assert Config() == Config.from_settings(DEFAULTS) == defaults.segments
    assert EstimateConfig() == EstimateConfig.from_settings(DEFAULTS) == defaults.estimate
    assert TrendConfig() == TrendConfig.from_settings(DEFAULTS) == defaults.trends
    assert RouteConfig() == PlanConfig.from_settings().route == defaults.planning.route
    assert PlanConfig.from_settings() == PlanConfig.from_settings(DEFAULTS) == defaults.planning
    # read as the registry says them
    assert Config().a_above == int(DEFAULTS["abc.a_above"]) * 100
    assert Config().pareto_a == Fraction(DEFAULTS["abc.pareto_a"])
    assert Config().window_months == int(DEFAULTS["window.months"])
    assert EstimateConfig().min_peers == int(DEFAULTS["potential.min_peers"])
    assert TrendConfig().silent_factor == float(DEFAULTS["trend.silent_factor"])
    assert RouteConfig().radius_km == float(DEFAULTS["route.radius_km"])
    assert defaults.planning.country == DEFAULTS["calendar.country"]
    assert defaults.planning.policies[Quadrant.BIG_GAME].setting == DEFAULTS["policy.big_game"]
    assert defaults.currency == DEFAULT_CURRENCY == REGISTRY["currency"].default


def test_the_configurations_defaults_have_no_copy_of_their_own() -> None:
    """A default changed in the registry (before the rules are imported) is every
    configuration's default: there is no second place that says it."""
    script = """
from segtui.domain import settings
for key, value in {"window.months": "36", "potential.min_peers": "7", "trend.decline_from": "0.4",
                   "route.radius_km": "80", "capacity.visits_per_day": "6", "currency": "EUR"}.items():
    settings.DEFAULTS[key] = value
from segtui.domain.estimate import EstimateConfig
from segtui.domain.planning import PlanConfig
from segtui.domain.routes import RouteConfig
from segtui.domain.segments import Config
from segtui.domain.trends import TrendConfig
snapshot = settings.Settings.from_values()
print(Config().window_months, EstimateConfig().min_peers, TrendConfig().decline_from, RouteConfig().radius_km,
      PlanConfig.from_settings().visits_per_day, snapshot.segments.window_months, snapshot.currency)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["36", "7", "0.4", "80.0", "6", "36", "EUR"]


def test_a_snapshot_reads_the_values_over_the_defaults() -> None:
    snapshot = Settings.from_values({"abc.a_above": "5000", "potential.estimate": "off", "policy.big_game": "call:7",
                                     "trend.silent_factor": "3", "currency": "EUR"})
    assert snapshot.segments.a_above == 5000 * 100
    assert snapshot.segments.b_from == Config().b_from
    assert snapshot.estimate.enabled is False
    assert snapshot.planning.policies[Quadrant.BIG_GAME].setting == "call:7"
    assert snapshot.trends.silent_factor == 3.0
    assert snapshot.currency == "EUR"
    assert snapshot.segments is snapshot.segments  # parsed once
    assert set(snapshot) == set(DEFAULTS)


def test_a_snapshot_round_trips_and_cannot_be_changed() -> None:
    snapshot = Settings.from_values({"window.months": "36", "calendar.days_off": "2026-12-28..2027-01-03"})
    again = Settings.from_values(snapshot.as_dict())
    assert again == snapshot and again.as_dict() == snapshot.as_dict() == {**DEFAULTS, **snapshot}
    assert again.planning == snapshot.planning and again.segments == snapshot.segments
    assert snapshot != Settings.from_values()
    with pytest.raises(TypeError):
        snapshot["window.months"] = "12"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.segments.window_months = 12  # type: ignore[misc]
    changed = snapshot.as_dict()
    changed["window.months"] = "12"
    assert snapshot["window.months"] == "36"  # the copy is the caller's


def test_the_book_gives_its_settings_as_one_snapshot(book) -> None:
    book.set_settings({"abc.a_above": "500", "abc.b_from": "100", "currency": "EUR"})
    snapshot = book.settings_snapshot()
    assert snapshot == book.settings()
    assert (snapshot.segments.a_above, snapshot.segments.b_from, snapshot.currency) == (50000, 10000, "EUR")
    assert book.settings_snapshot() is snapshot  # the same while nothing changed


def test_the_count_moves_on_every_settings_write_and_only_then(book) -> None:
    before = book.settings_changes
    first = book.settings_snapshot()
    book.settings_snapshot()
    assert book.settings_changes == before  # reading is not a change
    book.set_setting("window.months", "36")
    assert book.settings_changes == before + 1
    second = book.settings_snapshot()
    assert second is not first and second.segments.window_months == 36
    book.set_settings({"abc.a_above": "500", "abc.b_from": "100"})
    assert book.settings_changes == before + 2
    with pytest.raises(SettingError):
        book.set_settings({"abc.b_from": "900"})  # above abc.a_above: refused, nothing saved
    with pytest.raises(SettingError):
        book.set_setting("window.months", "7")
    assert book.settings_changes == before + 2
    assert book.settings_snapshot().segments.b_from == 100 * 100


def test_a_change_saved_by_another_program_is_found_on_reading(tmp_path) -> None:
    path = tmp_path / "book.db"
    ours, theirs = open_book(path), open_book(path)
    try:
        first = ours.settings_snapshot()
        count = ours.settings_changes
        theirs.set_setting("capacity.visits_per_day", "6")
        assert ours.settings_changes == count  # nothing read yet
        found = ours.settings_snapshot()
        assert ours.settings_changes == count + 1
        assert found is not first and found.planning.visits_per_day == 6
        assert ours.settings_snapshot() is found and ours.settings_changes == count + 1
    finally:
        ours.close()
        theirs.close()
