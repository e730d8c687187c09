"""Where the tests find the real data: the same rule for every test that needs it."""

from __future__ import annotations

import conftest


def test_the_shared_data_is_found_by_the_environment_first(tmp_path, monkeypatch) -> None:
    (tmp_path / conftest.REAL_DATA_FILE).write_bytes(b"")
    monkeypatch.setenv("SEGTUI_SHARED_DATA", str(tmp_path))
    assert conftest.find_shared_data() == tmp_path


def test_a_folder_without_the_data_is_passed_over(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SEGTUI_SHARED_DATA", str(tmp_path))
    found = conftest.find_shared_data()
    assert found != tmp_path
    assert found is None or (found / conftest.REAL_DATA_FILE).is_file()


def test_beside_the_repository_comes_before_the_fixed_path(tmp_path, monkeypatch) -> None:
    shared = tmp_path / "shared" / "data"
    shared.mkdir(parents=True)
    (shared / conftest.REAL_DATA_FILE).write_bytes(b"")
    monkeypatch.delenv("SEGTUI_SHARED_DATA", raising=False)
    monkeypatch.setattr(conftest, "ROOT", tmp_path / "segtui")
    assert conftest.find_shared_data() == shared
