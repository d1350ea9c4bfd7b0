"""Convert the Wikinews CSV corpus (CC BY 2.5) into seed-layout articles.

Usage: python scripts/wikinews_to_seeds.py CSV [CSV ...] --out seeds/

Each article keeps its attribution: source ``Wikinews`` and a ``Source: URL`` line. Wikinews'
review boilerplate is dropped and interview speaker markers ``((WN))`` become ``Wikinews:``.
Section and tags are derived from fixed lists of topics and places found in the title and
first paragraphs, so the bundled corpus has something to filter on; they are not Wikinews'
own categories.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

SECTIONS = {
    "Science": "study research researchers scientists astronomers species fossil planet "
    "telescope black hole nasa space neanderthal penguin",
    "Politics": "election president presidential party minister parliament vote voters "
    "candidate nominee government referendum brexit senate congress",
    "Disasters": "earthquake fire flood storm hurricane cyclone crash collapse explosion "
    "killed dead injured wildfire avalanche",
    "Crime and law": "police court arrested murder shooting sentenced trial charged prison",
    "Sport": "football cricket tennis olympic championship league cup match tournament "
    "chess rugby athletics",
    "Health": "coronavirus covid pandemic virus hospital disease vaccine health outbreak",
    "Technology": "software internet linux github app computer video game data",
    "Culture": "festival convention film music art museum fans cosplay anime comic",
    "Economy": "economy company bank market trade business stock",
}
PLACES = [
    "Afghanistan",
    "Albania",
    "Algeria",
    "Argentina",
    "Armenia",
    "Australia",
    "Austria",
    "Bangladesh",
    "Belarus",
    "Belgium",
    "Bolivia",
    "Brazil",
    "Bulgaria",
    "Cambodia",
    "Cameroon",
    "Canada",
    "Chile",
    "China",
    "Colombia",
    "Croatia",
    "Cuba",
    "Cyprus",
    "Denmark",
    "Ecuador",
    "Egypt",
    "Estonia",
    "Ethiopia",
    "Finland",
    "France",
    "Georgia",
    "Germany",
    "Ghana",
    "Greece",
    "Hungary",
    "Iceland",
    "India",
    "Indonesia",
    "Iran",
    "Iraq",
    "Ireland",
    "Israel",
    "Italy",
    "Japan",
    "Jordan",
    "Kazakhstan",
    "Kenya",
    "Kosovo",
    "Latvia",
    "Lebanon",
    "Libya",
    "Lithuania",
    "Malaysia",
    "Mali",
    "Mexico",
    "Moldova",
    "Morocco",
    "Myanmar",
    "Nepal",
    "Netherlands",
    "Nigeria",
    "Norway",
    "Pakistan",
    "Palestine",
    "Peru",
    "Philippines",
    "Poland",
    "Portugal",
    "Qatar",
    "Romania",
    "Russia",
    "Rwanda",
    "Scotland",
    "Serbia",
    "Singapore",
    "Slovakia",
    "Slovenia",
    "Somalia",
    "Spain",
    "Sudan",
    "Sweden",
    "Switzerland",
    "Syria",
    "Taiwan",
    "Tanzania",
    "Thailand",
    "Tunisia",
    "Turkey",
    "Uganda",
    "Ukraine",
    "Venezuela",
    "Vietnam",
    "Wales",
    "Yemen",
    "Zimbabwe",
    "England",
    "Europe",
    "Africa",
    "Antarctica",
    "Texas",
    "California",
    "Florida",
    "Toronto",
    "London",
    "Paris",
    "Moscow",
    "Beijing",
    "Tokyo",
    "Mysore",
    "Melbourne",
] + [
    "United States",
    "United Kingdom",
    "New Zealand",
    "South Africa",
    "South Korea",
    "North Korea",
    "Hong Kong",
    "Saudi Arabia",
    "New York",
    "Sri Lanka",
]
TOPICS = [
    "COVID-19",
    "Brexit",
    "Olympics",
    "Wildfire",
    "Earthquake",
    "Libertarian Party",
    "Interview",
    "Astronomy",
    "Chess",
    "Linux",
    "Climate change",
    "Elections",
]
_MARKER = re.compile(r"^\(\((WN|WSS)\)\)\s*:?\s*", re.MULTILINE)
_SPEAKER = re.compile(r"^\(\(([^()\n]{1,60})\)\)\s*:?\s*", re.MULTILINE)
# The date line Wikinews opens with; some CSV rows glue it to the first paragraph.
_WEEKDAY_DATE = re.compile(r"^(\w+day, \w+ \d{1,2}, \d{4})(?:$|\s+(?=\S))")
_BOILERPLATE = (
    re.compile(r"^This article requires pre-publication review"),
    re.compile(r"^-Article last amended:"),
)


def clean_paragraphs(text: str) -> list[str]:
    """The article text as paragraphs, boilerplate dropped and markers made readable."""
    text = _MARKER.sub("Wikinews: ", text.replace("\u00a0", " "))
    text = _SPEAKER.sub(lambda m: f"{m.group(1)}: ", text)
    paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if p and not any(b.match(p) for b in _BOILERPLATE)]


def derive(title: str, lead: str) -> tuple[str, list[str]]:
    """A section and tags found in the title and lead, from the fixed lists above."""
    hay = f"{title} {lead}"
    low = hay.lower()
    scores = {
        name: sum(f" {w} " in f" {low} " for w in words.split()) for name, words in SECTIONS.items()
    }
    best = max(scores, key=lambda k: scores[k])
    section = best if scores[best] else "World"
    tags = [p for p in PLACES if re.search(rf"\b{re.escape(p)}\b", hay)]
    tags += [t for t in TOPICS if t.lower() in low]
    if "interview" in low or "Wikinews:" in lead:
        tags.append("Interview")
    return section, list(dict.fromkeys(tags))[:8]


def slug(title: str) -> str:
    """A short file-name-safe form of ``title``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "article"


def to_seed(row: dict[str, str]) -> tuple[str, str] | None:
    """Return (file name, seed-layout text) for one CSV row, or None for empty/test pages."""
    title = " ".join(row["title"].split())
    if title.upper().startswith("TEST PAGE"):
        return None
    paragraphs = clean_paragraphs(row["text"])
    dateline = ""
    if paragraphs and (date := _WEEKDAY_DATE.match(paragraphs[0])):
        dateline, rest = date.group(1), paragraphs[0][date.end():]
        paragraphs[0:1] = [rest] if rest else []
    if not paragraphs:
        return None
    section, tags = derive(title, " ".join(paragraphs[:2]))
    lines = [
        f" date {row['date']}  {title} : Wikinews",
        "",
        f"  • {section}",
        f"  • {title}",
        "",
        title,
        "",
    ]
    if dateline:
        lines += [dateline, ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    lines += [f"Source: {row['url'].replace('.org//wiki', '.org/wiki')}", ""]
    if tags:
        lines.append(" ".join(f"#{t}" for t in tags))
    return f"wn_{row['date']}_{slug(title)}.txt", "\n".join(lines) + "\n"


def main() -> None:
    """Convert every CSV given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in args.csv:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                converted = to_seed(row)
                if converted:
                    name, text = converted
                    (args.out / name).write_text(text, encoding="utf-8")
                    written += 1
    print(f"wrote {written} articles to {args.out}")


if __name__ == "__main__":
    main()
