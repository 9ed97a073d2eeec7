"""geomap.ingest.sources: folders walked with nothing skipped silently; reads bounded by what is read."""

from __future__ import annotations

import os

import pytest

from geomap.ingest import InputError
from geomap.ingest.sources import TooLarge, expand, read_limited


def test_broken_links_special_files_and_unreadable_folders_are_reported(tmp_path, monkeypatch):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "skip.bin").write_bytes(b"\x00")
    (tmp_path / "dead.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop").symlink_to(tmp_path)  # a link back up: walked once
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = list(expand([str(tmp_path)]))
    files = [os.path.relpath(x, tmp_path) for x in got if isinstance(x, str)]
    problems = {os.path.relpath(e.source, tmp_path): e.reason for e in got if isinstance(e, InputError)}
    assert files == ["a.txt", "b/x.txt"]
    assert problems == {"dead.txt": "broken symbolic link", "locked": "unreadable folder (Permission denied)",
                        "pipe.txt": "not a regular file (a FIFO, device or socket)"}


def test_reads_stop_at_the_limit_whatever_stat_says(tmp_path):
    with pytest.raises(TooLarge, match="over 1,000 bytes"):
        read_limited("/dev/zero", 1000)  # stat says 0 bytes
    (tmp_path / "f.txt").write_bytes(b"x" * 1000)
    assert read_limited(str(tmp_path / "f.txt"), 1000) == b"x" * 1000
