"""Reading document files in whatever encoding they come in."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from citecheck.errors import InputError
from citecheck.sources.text import decode_bytes, read_text_file

RUSSIAN = (
    "Иванов И. И. Газопровод // Коммерсантъ. URL: https://www.kommersant.ru/doc/1 "
    "(дата обращения: 14.04.2023).\n"
)
TURKISH = "Kaya, E. “Druzhba”, ANKASAM, https://www.ankasam.org/x/, (Erişim Tarihi: 14.04.2023).\n"


class TestDecode:
    """Encodings are detected from the bytes."""

    @pytest.mark.parametrize(
        ("data", "text"),
        [
            (RUSSIAN.encode("utf-8"), RUSSIAN),
            (codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), RUSSIAN),
            (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), RUSSIAN),
            (codecs.BOM_UTF16_BE + TURKISH.encode("utf-16-be"), TURKISH),
            (TURKISH.encode("utf-16-le"), TURKISH),
            (TURKISH.encode("utf-16-be"), TURKISH),
            ((RUSSIAN * 20).encode("cp1251"), RUSSIAN * 20),
            (b"", ""),
        ],
    )
    def test_decodes(self, data: bytes, text: str) -> None:
        """UTF-8 with or without BOM, UTF-16 with or without BOM, and cp1251 decode right."""
        assert decode_bytes(data)[0] == text

    @pytest.mark.parametrize(
        "data",
        [
            bytes(range(256)) * 40,
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 500,
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00\xff\x10" * 1000,
        ],
    )
    def test_binary_is_refused(self, data: bytes) -> None:
        """A binary file is an InputError with one line that says so."""
        with pytest.raises(InputError, match="binary") as info:
            decode_bytes(data, name="x.bin")
        assert "\n" not in str(info.value)


class TestReadFile:
    """Files on disk: missing, directories, huge."""

    def test_missing(self, tmp_path: Path) -> None:
        """A missing file is named in the error."""
        with pytest.raises(InputError, match="no such file"):
            read_text_file(tmp_path / "nope.txt")

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is not a document."""
        with pytest.raises(InputError, match="directory"):
            read_text_file(tmp_path)

    def test_reads_and_names_the_source(self, tmp_path: Path) -> None:
        """The source name is the path as given."""
        path = tmp_path / "a.txt"
        path.write_bytes(TURKISH.encode("utf-16"))
        source = read_text_file(path)
        assert source.text == TURKISH
        assert source.source == str(path)
        assert source.encoding.startswith("utf-16")
