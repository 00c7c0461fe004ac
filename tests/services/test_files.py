"""Files the operator asks for are written whole or not at all, with a reason naming the path."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from coliv_desktop.domain.errors import FileProblem
from coliv_desktop.files import write_atomically


def test_writes_whole_file_and_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.csv"
    write_atomically(target, "a,b\n")
    write_atomically(target, b"c,d\n")
    assert target.read_bytes() == b"c,d\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.csv"]


def test_unwritable_folder_names_path_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests run as root, which writes anywhere: refuse the write the way a locked folder does.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(FileProblem) as caught:
        write_atomically(tmp_path / "x.pdf", b"%PDF")
    assert str(caught.value) == f"{tmp_path / 'x.pdf'}: permission denied"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.pdf").write_bytes(b"old")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(FileProblem, match="no space left"):
        write_atomically(tmp_path / "x.pdf", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]
    assert (tmp_path / "x.pdf").read_bytes() == b"old"


def test_a_folder_as_the_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="is a folder"):
        write_atomically(tmp_path, b"x")


def test_a_file_in_the_way_of_the_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(FileProblem) as caught:
        write_atomically(blocker / "x.csv", "a")
    assert caught.value.exit_code == 6
    assert blocker.read_text() == "not a folder"
