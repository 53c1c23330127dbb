"""Template filters people read: file sizes in units that say something, in the locale's digits."""

from __future__ import annotations

from kernel import i18n
from kernel.web.templating import filesize


def test_file_sizes_read_as_bytes_kilobytes_and_megabytes() -> None:
    with i18n.use_locale("en"):
        assert filesize(13) == "13 B"  # was "0.0 KB"
        assert filesize(4300) == "4.2 KB"
        assert filesize(3 * 1024 * 1024 + 600_000) == "3.6 MB"
        assert filesize(None) == "0 B"
    with i18n.use_locale("zh_CN"):
        assert filesize(1_234_567_890) == "1,177.4 MB"
