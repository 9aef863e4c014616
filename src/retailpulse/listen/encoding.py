"""Text encodings of input files: detect, decode line by line, lose nothing.

Detected: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), GB18030/GBK, Big5 and
Latin-1/cp1252. A file that is mostly one encoding with some lines in another ("mixed
encodings", common when exports are concatenated) is decoded line by line: each line that is not
valid in the file's encoding is decoded with the encoding that fits it best, and the report says
how many lines that was. NUL bytes are removed (PostgreSQL cannot store them) and counted.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

SAMPLE_BYTES = 256 * 1024
_FALLBACKS = ["gb18030", "big5", "cp1252"]


@dataclass
class DecodeReport:
    """What decoding did to a file; shown in the import summary."""

    encoding: str
    bom: bool = False
    fallback_lines: int = 0
    fallback_encodings: set[str] = field(default_factory=set)
    nul_bytes: int = 0
    bytes_read: int = 0

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.fallback_lines:
            encs = ", ".join(sorted(self.fallback_encodings))
            out.append(
                f"{self.fallback_lines} line(s) were not valid {self.encoding} and were decoded "
                f"as {encs} (mixed encodings): check those rows."
            )
        if self.nul_bytes:
            out.append(f"{self.nul_bytes} NUL byte(s) were removed from the text.")
        return out


def _python_name(name: str) -> str:
    return codecs.lookup(name).name


def _looks_utf16(sample: bytes) -> str | None:
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes) -> tuple[str, bool]:
    """(encoding, has_bom) from the first bytes of a file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", True
    utf16 = _looks_utf16(sample)
    if utf16:
        return utf16, False
    cut = sample.rfind(b"\n")
    head = sample if cut < 0 or len(sample) < SAMPLE_BYTES else sample[: cut + 1]
    try:
        head.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few bad lines is "mixed", not another encoding.
    lines = head.splitlines()
    bad = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    if lines and bad / len(lines) < 0.5:
        return "utf-8", False
    best = from_bytes(head, cp_isolation=[*_FALLBACKS, "utf_8"]).best()
    return (_python_name(best.encoding) if best else "cp1252"), False


def _decode_fallback(line: bytes) -> tuple[str, str]:
    best = from_bytes(line, cp_isolation=_FALLBACKS).best()
    candidates = ([_python_name(best.encoding)] if best else []) + _FALLBACKS
    for enc in candidates:
        try:
            return line.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1"), "latin-1"


def iter_lines(path: Path, report: DecodeReport) -> Iterator[str]:
    """Decoded lines (with their line ends) of a text file, following ``report.encoding``."""
    enc = report.encoding
    if _python_name(enc).startswith("utf-16"):
        with open(path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=enc, errors="replace", newline="")
            for line in text:
                report.bytes_read = raw.tell()
                if "\x00" in line:
                    report.nul_bytes += line.count("\x00")
                    line = line.replace("\x00", "")
                yield line
        return
    primary = "utf-8-sig" if (enc == "utf-8" and report.bom) else enc
    first = True
    with open(path, "rb") as raw:
        for bline in raw:
            report.bytes_read += len(bline)
            if b"\x00" in bline:
                report.nul_bytes += bline.count(b"\x00")
                bline = bline.replace(b"\x00", b"")
            try:
                line = bline.decode(primary if first else enc)
            except UnicodeDecodeError:
                line, used = _decode_fallback(bline)
                report.fallback_lines += 1
                report.fallback_encodings.add(used)
            if first and line.startswith("\ufeff"):
                line = line[1:]
            first = False
            yield line


def open_report(path: Path, encoding: str | None = None) -> DecodeReport:
    """Detect (or take) the encoding of a file."""
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if encoding:
        return DecodeReport(encoding=_python_name(encoding), bom=sample.startswith(codecs.BOM_UTF8))
    enc, bom = detect_encoding(sample)
    return DecodeReport(encoding=enc, bom=bom)
