"""Bad and odd input: every case loads or is skipped with a reason; nothing raises."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from newstui.model.corpus.parse import parse_text
from newstui.model.corpus.sanitize import clean_line, clean_text
from newstui.model.load.passes import load_paths

SEED_TEXT = " date 2023-09-13  Title here : Source\n\nBody paragraph one.\n\n#a #b\n"


def _load(tmp_path):
    return load_paths([str(tmp_path)])


def test_crlf_and_bom(write, tmp_path) -> None:
    write("crlf.txt", "\ufeff" + SEED_TEXT.replace("\n", "\r\n"))
    result = _load(tmp_path)
    [article] = result.articles
    assert article.title == "Title here"
    assert article.date == dt.date(2023, 9, 13)
    assert article.tags == ("a", "b")
    assert result.warnings == []


def test_cp1252_is_decoded_with_warning(write, tmp_path) -> None:
    write("latin.txt", b"Caf\xe9 news \x93quoted\x94\n\nBody.\n")
    result = _load(tmp_path)
    [article] = result.articles
    assert article.title == "Café news “quoted”"
    assert any("not valid UTF-8" in w for _, w in result.warnings)


def test_escape_sequences_removed_whole(write, tmp_path) -> None:
    nasty = "Evil \x1b[2J\x1b]0;pwned\x07title \x1b[31mred\x1b[0m \x9b1m\x07\x08"
    write("esc.txt", f" date 2023-01-01  {nasty} : Src\x1b[5m\n\nBody \x1bPdcs\x1b\\ ok\n")
    [article] = _load(tmp_path).articles
    assert article.title == "Evil title red"
    assert article.source == "Src"
    for field in (article.title, article.source):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in field)


def test_unterminated_osc_stops_at_line_end() -> None:
    assert clean_text("a\x1b]0;junk\nkept") == "a\nkept"


def test_markup_like_text_is_kept_literally(write, tmp_path) -> None:
    write("m.txt", " date 2023-01-01  [bold red]ALERT[/] : [i]x[/i]\n\nBody [link=x]y[/link]\n")
    [article] = _load(tmp_path).articles
    assert article.title == "[bold red]ALERT[/]"
    assert article.source == "[i]x[/i]"


def test_duplicate_and_empty_tags(write, tmp_path) -> None:
    tags = "#Russia #russia # #  #RUSSIA #Kim Jong Un"
    write("t.txt", f" date 2023-01-01  T : S\n\nBody.\n\n{tags}\n")
    [article] = _load(tmp_path).articles
    assert article.tags == ("Russia", "Kim Jong Un")


def test_impossible_date_keeps_article(write, tmp_path) -> None:
    write("d.txt", " date 2023-02-30  Leap : S\n\nBody.\n")
    result = _load(tmp_path)
    [article] = result.articles
    assert article.date is None
    assert article.title == "Leap"
    assert any("impossible date" in w for _, w in result.warnings)


def test_empty_binary_and_missing_are_skipped_others_load(write, tmp_path) -> None:
    write("empty.txt", "")
    write("blank.txt", "  \n\n \n")
    write("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write("good.txt", SEED_TEXT)
    write("ignored.csv", "a,b\n")
    result = load_paths([str(tmp_path), str(tmp_path / "nope")])
    reasons = {p.rsplit("/", 1)[-1]: r for p, r in result.skipped}
    assert reasons == {"empty.txt": "empty file", "blank.txt": "empty file",
                       "bin.txt": "binary file, not text", "nope": "no such file or folder"}
    assert [a.title for a in result.articles] == ["Title here"]


def test_unreadable_file_is_skipped(write, tmp_path, monkeypatch) -> None:
    secret = write("secret.txt", SEED_TEXT)
    write("ok.txt", SEED_TEXT.replace("Title here", "Other"))
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        # Tests run as root in CI, where chmod 000 does not stop a read: fake the refusal.
        if str(path) == str(secret):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    result = _load(tmp_path)
    assert [a.title for a in result.articles] == ["Other"]
    assert result.skipped == [(str(secret), "Permission denied")]


def test_fifo_is_skipped_without_waiting(write, tmp_path) -> None:
    write("ok.txt", SEED_TEXT)
    os.mkfifo(tmp_path / "pipe.txt")  # a reader would wait for a writer forever
    result = _load(tmp_path)
    assert [a.title for a in result.articles] == ["Title here"]
    assert result.skipped == [(str(tmp_path / "pipe.txt"), "not a regular file")]


def test_large_file_loads(write, tmp_path) -> None:
    body = ("A long paragraph of news text that goes on. " * 40 + "\n\n") * 2500
    write("big.txt", " date 2022-05-05  Big one : S\n\n" + body)
    [article] = _load(tmp_path).articles
    assert article.words == 2500 * 40 * 9
    assert (tmp_path / "big.txt").stat().st_size > 4_000_000


def test_duplicate_content_loads_once(write, tmp_path) -> None:
    write("a/one.txt", SEED_TEXT)
    write("b/one.txt", SEED_TEXT)
    write("b/two.md", SEED_TEXT.replace("Body", "Other body"))
    result = _load(tmp_path)
    assert sorted(a.id for a in result.articles) == ["one", "two"]
    assert any("same content as" in w for _, w in result.warnings)


def test_same_stem_ids_are_disambiguated(write, tmp_path) -> None:
    write("a/x.txt", SEED_TEXT)
    write("b/x.txt", SEED_TEXT.replace("Body", "Another"))
    ids = sorted(a.id for a in _load(tmp_path).articles)
    assert ids == ["x", "x-2"]


def test_plain_headline_first(write, tmp_path) -> None:
    write("plain.txt", "\n\nMayor opens new bridge\n\nThe mayor opened it.\nIt is long.\n")
    [article] = _load(tmp_path).articles
    assert article.title == "Mayor opens new bridge"
    assert article.date is None
    assert article.layout == "plain"


def test_plain_reads_reliable_date_line(write, tmp_path) -> None:
    write("p.txt", "Headline\n\nMonday, March 15, 2021\n\nBody text.\n")
    [article] = _load(tmp_path).articles
    assert article.date == dt.date(2021, 3, 15)
    assert article.dateline == "Monday, March 15, 2021"


def test_front_matter(write, tmp_path) -> None:
    write("fm.md", "---\ntitle: Rates rise\ndate: 2024-03-01\nsource: Ledger\nsection: Economy\n"
          "tags: [Banks, banks, Rates]\nurl: https://example.org/a\n---\n\n"
          "The bank raised rates.\n")
    [article] = _load(tmp_path).articles
    assert (article.title, article.source, article.section) == ("Rates rise", "Ledger", "Economy")
    assert article.date == dt.date(2024, 3, 1)
    assert article.tags == ("Banks", "Rates")
    assert article.url == "https://example.org/a"
    assert article.layout == "front-matter"


def test_front_matter_is_safe_loaded(write, tmp_path) -> None:
    write("evil.md", "---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\nBody\n")
    result = _load(tmp_path)
    [article] = result.articles
    assert "python" not in article.title.lower() or article.layout == "plain"
    assert any("not valid YAML" in w for _, w in result.warnings)


def test_front_matter_bad_date(write, tmp_path) -> None:
    write("fm.md", "---\ntitle: X\ndate: soon\n---\nBody\n")
    result = _load(tmp_path)
    assert result.articles[0].date is None
    assert any("impossible date" in w for _, w in result.warnings)


# Pieces of Markdown and front matter, and what must never reach the screen, joined.
_MARKDOWNISH = st.lists(st.sampled_from(
    list("ab #*_`[]()!<>\\=-+~|&;:\n\t\x1b\x9b\u202e\xa0")
    + ["](", "![", "+++\n", "---\n", "&#27;", "title = ", "\n\n", "https://x.test/"]),
    max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _MARKDOWNISH), st.sampled_from(["", "a.txt", "a.md"]))
def test_parse_never_raises_and_output_is_clean(text: str, name: str) -> None:
    parsed = parse_text(text, name)
    article = parsed.article
    for value in (article.title, article.source, article.section, article.caption, *article.tags):
        assert value == clean_line(value)
        assert "\x1b" not in value
    for paragraph in parsed.body:
        assert not any(ord(c) < 32 and c != "\n" for c in paragraph)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_load_or_skip(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "x.txt").write_bytes(data)
    result = load_paths([str(folder)])
    assert len(result.articles) + len(result.skipped) == 1


def test_unpadded_date_reads(write, tmp_path) -> None:
    write("d.txt", " date 2023-9-5  Short date : S\n\nBody.\n")
    [article] = _load(tmp_path).articles
    assert article.date == dt.date(2023, 9, 5)


def test_unreadable_folder_is_reported(write, tmp_path, monkeypatch) -> None:
    write("ok/a.txt", SEED_TEXT)
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        # Tests run as root, where chmod 000 does not stop a read: fake the refusal.
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = _load(tmp_path)
    assert [a.title for a in result.articles] == ["Title here"]
    assert result.skipped == [(str(tmp_path / "locked"),
                               "folder not readable: Permission denied")]


def test_every_character_the_sanitiser_removes_is_one_python_does_not_print() -> None:
    """The sanitiser's fast path trusts text that is printable but for line ends and
    no-break spaces: that holds only while each character it removes is unprintable."""
    from newstui.model.corpus import sanitize

    unsafe = [c for c in map(chr, range(0x110000)) if sanitize._UNSAFE.match(c)]
    assert len(unsafe) > 2000  # controls, bidi overrides, the BOM and the surrogates
    assert not [c for c in unsafe if c.isprintable() or c in "\n\xa0"]


def test_an_unsafe_character_in_printable_text_is_still_removed() -> None:
    from newstui.model.corpus import sanitize

    for c in ["\x07", "\x7f", "\x85", "\u202e", "\u2067", "\ufeff"]:
        text = f"Safe “quoted” words\xa0here\n{c}and more\n"
        assert not sanitize.is_clean(text)
        assert clean_text(text) == "Safe “quoted” words\xa0here\nand more\n"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert sanitize.is_clean("Safe “quoted” words\xa0here\nand more\n")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab é“”\n\xa0\u2003\u3000\u2028\x85"))
def test_word_count_is_what_split_counts(text: str) -> None:
    from newstui.model.corpus.parse import word_count

    assert word_count(text) == len(text.split())


def test_word_count_of_awkward_spacing() -> None:
    from newstui.model.corpus.parse import word_count

    for text in ["", " ", "  ", "one", "one two", " one", "one ", "one  two", "one   two",
                 "one\ntwo", "one\xa0two", "one \u3000 two", "“quoted”  é"]:
        assert word_count(text) == len(text.split()), repr(text)


def test_no_whitespace_but_the_space_is_printable() -> None:
    """word_count counts spaces in printable text: that is exact only while so."""
    assert not [c for c in map(chr, range(0x110000)) if c.isspace() and c.isprintable()
                and c != " "]


def test_toml_front_matter_and_blog_fields(write, tmp_path) -> None:
    write("hugo.md", '+++\ntitle = "Rates rise"\ndate = 2024-03-01T10:00:00+02:00\n'
          'tags = ["Banks", "banks"]\ncategories = ["Economy news"]\nauthor = "Jo Ledger"\n'
          '+++\n\nThe bank raised rates.\n')
    write("jekyll.md", "---\nlayout: post\ntitle: Rates fall\npublished: 2024-04-02\n"
          "keywords: [Rates]\n---\nThe bank cut rates.\n")
    write("broken.md", '+++\ntitle = = "x\n+++\n\nStill here.\n')
    result = _load(tmp_path)
    found = {a.path.rsplit("/", 1)[1]: a for a in result.articles}
    hugo, jekyll, broken = found["hugo.md"], found["jekyll.md"], found["broken.md"]
    assert (hugo.title, hugo.date, hugo.source) == ("Rates rise", dt.date(2024, 3, 1), "Jo Ledger")
    assert hugo.tags == ("Banks", "Economy news") and hugo.layout == "front-matter"
    assert (jekyll.title, jekyll.date, jekyll.tags) == ("Rates fall", dt.date(2024, 4, 2),
                                                        ("Rates",))
    # Not valid TOML: the file is still listed, read as plain text, with a one-line reason.
    assert broken.layout == "plain"
    assert any(p.endswith("broken.md") and "not valid TOML" in w for p, w in result.warnings)
