"""Bytes to text: the size limit, .xlsx or text, and the encoding (BOM, strict UTF-8, then
charset-normalizer with a plausibility check; never a codec that accepts any byte blindly)."""


from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path

from cxmaturity.errors import Problem
from cxmaturity.formatting import digits
from cxmaturity.i18n import N_, _, isolate
from cxmaturity.survey.problems import SAVE_AS, Stop, clip, size_text


def _too_big(size: int, max_bytes: int) -> Stop:
    return Stop(
        [
            Problem(
                None,
                None,
                _("the file is {size}; the limit is {limit}").format(
                    size=size_text(size), limit=size_text(max_bytes)
                ),
            )
        ]
    )


def load_bytes(source, filename, max_bytes) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if filename is None:
            filename = path.name
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(size, max_bytes)
            raw = path.read_bytes()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise Stop(
                [
                    Problem(
                        None,
                        None,
                        _("the file '{name}' cannot be opened ({reason})").format(
                            name=isolate(clip(str(path), 120)), reason=reason
                        ),
                    )
                ]
            ) from None
    else:
        raise Stop(
            [
                Problem(
                    None,
                    None,
                    _("cannot read a survey from a {kind}; give a file").format(kind=type(source).__name__),
                )
            ]
        )
    if len(raw) > max_bytes:
        raise _too_big(len(raw), max_bytes)
    if not raw:
        raise Stop([Problem(None, None, _("the file is empty"))])
    return raw, filename


# --------------------------------------------------------------------------------------------
# grid: the file as a table of strings (all rows, header rows included)
# --------------------------------------------------------------------------------------------


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r" + bytes(range(0x80, 0x100))


def _has_control_bytes(raw: bytes) -> bool:
    """Binary content: a NUL byte, or more than a few other control bytes (tab and line ends
    aside). A stray form feed or vertical tab (FileMaker's line break) is tolerated as text.
    Exact for UTF-8 and single-byte code pages, where control characters are these bytes."""
    if b"\x00" in raw:
        return True
    return len(raw.translate(None, _TEXT_BYTES)) > 2 + len(raw) // 200


def _has_control_chars(text: str) -> bool:
    """_has_control_bytes for decoded text (UTF-16 and multi-byte encodings)."""
    if "\x00" in text:
        return True
    return len(_CONTROL_RE.findall(text)) > 2 + len(text) // 200


# Single-byte code pages people's spreadsheets are saved in (Excel "CSV" on Windows),
# tried besides charset-normalizer's guess, which is unreliable on short files.
_FALLBACK_CODEPAGES = (
    "cp1251",
    "cp1256",
    "cp1252",
    "cp1254",
    "cp1250",
    "cp1253",
    "cp1255",
    "cp1257",
    "cp1258",
)
# Codecs that turn any byte sequence into text: never accepted.
_ANY_BYTES_CODECS = {"latin-1", "iso8859-1", "ascii", "iso8859-15"}
_NOT_TEXT = N_("the file is not readable text (encoding could not be recognised); save it as CSV UTF-8")
_BINARY = N_("the file is not a CSV or Excel file (it contains binary data); {save_as}")


def _binary() -> str:
    return _(_BINARY).format(save_as=_(SAVE_AS))


def decode_text(raw: bytes) -> tuple[str, str]:
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _has_control_bytes(raw) if encoding == "utf-8-sig" else _has_control_chars(text):
                raise Stop([Problem(None, None, _binary())])
            return text, encoding
    if not _has_control_bytes(raw):
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        _refuse_mixed_encodings(raw)
    return _decode_detected(raw)


def _refuse_mixed_encodings(raw: bytes) -> None:
    """A file whose lines are partly UTF-8 text and partly another encoding (e.g. answers pasted
    from two sources) has no single right reading: any one codec garbles some names without a
    word. Refuse it, naming a line of each kind, rather than store garbled text."""
    utf8_line = other_line = None
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise Stop(
                [
                    Problem(
                        None,
                        None,
                        _(
                            "the file mixes two text encodings (row {utf8_row} is UTF-8, row {other_row} is not), so "
                            "some names would come out garbled; open it in a spreadsheet and save it again as CSV UTF-8"
                        ).format(utf8_row=digits(utf8_line), other_row=digits(other_line)),
                    )
                ]
            )


def _decode_detected(raw: bytes) -> tuple[str, str]:
    candidates: list[str] = []
    try:
        # about 25 ms to load: only files that are not UTF-8 (or a declared code page) need it
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            candidates.append(best.encoding)
    except Exception:  # detection is a hint; never a reason to fail
        pass
    # On a tie a single-byte code page wins: short Cyrillic or Arabic text is often guessed
    # as a CJK multi-byte encoding, where it also decodes to "plausible" ideographs.
    if candidates and _is_multibyte(candidates[0]):
        candidates = [*_FALLBACK_CODEPAGES, *candidates]
    else:
        candidates.extend(_FALLBACK_CODEPAGES)

    sample_raw = raw[:65536]
    best_score, best_encoding = -1.0, None
    seen: set[str] = set()
    for encoding in candidates:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in seen or name in _ANY_BYTES_CODECS or not _ascii_compatible(name):
            continue
        seen.add(name)
        try:
            sample = codecs.getincrementaldecoder(name)().decode(
                sample_raw, final=len(sample_raw) == len(raw)
            )
        except (UnicodeDecodeError, ValueError):
            continue
        if _has_control_chars(sample):
            continue
        score = _plausibility(sample)
        if score > best_score:
            best_score, best_encoding = score, name
    if best_encoding is not None and best_score >= 0.75:
        try:
            text = raw.decode(best_encoding)
        except (UnicodeDecodeError, ValueError):
            text = None
        if text is not None and not (
            _has_control_chars(text) if _is_multibyte(best_encoding) else _has_control_bytes(raw)
        ):
            return text, best_encoding
    binary = _has_control_bytes(raw[:65536])
    raise Stop([Problem(None, None, _binary() if binary else _(_NOT_TEXT))])


@functools.lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    """ASCII text reads as itself (rules out EBCDIC and the like); UTF-16/32 are allowed."""
    if encoding.startswith(("utf-16", "utf-32")):
        return True
    probe = "Az09 ,;|\t\r\n\"'=+-@"
    try:
        return probe.encode("ascii").decode(encoding) == probe
    except (LookupError, ValueError, TypeError):
        return False


@functools.lru_cache(maxsize=64)
def _is_multibyte(encoding: str) -> bool:
    """True for codecs that join several bytes into one character (CJK, UTF-16...)."""
    try:
        return any(
            len(pair.decode(encoding, errors="replace")) != 2
            for pair in (b"\x81\x41", b"\xb0\xa1", b"AB")
        )
    except (LookupError, ValueError, TypeError):
        return True


_WORD_RE = re.compile(r"[^\W\d_]+")
_SYMBOL_RE = re.compile(r"[^\w\s\x00-\x7f]")
_BICAMERAL = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN"}
_OK_FORMAT_CHARS = {"\u200c", "\u200d", "\u200e", "\u200f", "\u00ad"}


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "?"
    head = name.split(" ", 1)[0]
    if head in ("CJK", "HIRAGANA", "KATAKANA", "HALFWIDTH", "FULLWIDTH"):
        return "CJK"
    return head


def _plausibility(text: str) -> float:
    """Share (0..1) of the non-ASCII text that looks like real writing.

    Mis-decoded text gives words that mix scripts (Arabic letters between French accents),
    odd capitalisation (Cyrillic read as Arabic code page) or Latin words made almost only of
    accented letters (Cyrillic read as Western code page), and stray symbols.
    """
    good = bad = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        scripts = {_script(c) for c in word}
        ok = len(scripts) == 1
        if ok:
            script = next(iter(scripts))
            if script in _BICAMERAL:
                rest = word[1:]
                ok = (
                    word.islower()
                    or word.isupper()
                    or (word[0].isupper() and (not rest or rest.islower()))
                )
                if ok and script == "LATIN":
                    accented = sum(1 for c in word if not c.isascii())
                    ok = accented * 2 <= len(word) or len(word) <= 2
            elif script == "?":
                ok = False
        if ok:
            good += len(word)
        else:
            bad += len(word)
    for ch in _SYMBOL_RE.findall(text):
        if ch in _OK_FORMAT_CHARS:
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "PZ" or cat in ("Sc", "Nd", "No", "Mn", "Mc"):
            continue
        bad += 1
    total = good + bad
    return 1.0 if total == 0 else good / total


