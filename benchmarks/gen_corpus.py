"""Write a deterministic synthetic corpus in the seed layout.

Usage: python benchmarks/gen_corpus.py N OUT_DIR [--seed S]

Each article: 300-1,500 body words in 4-12 paragraphs, 3-8 tags, one of 30 sources, a date
within three years (2021-2023), a caption, a dateline and, for a third of them, a highlights
box. Words follow a Zipf-like distribution over a fixed vocabulary (real news words plus
generated ones), so indexes and queries behave as on real text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
from pathlib import Path

NEWS = [
    "north",
    "korea",
    "kim",
    "jong",
    "un",
    "russia",
    "putin",
    "ukraine",
    "arms",
    "deal",
    "talks",
    "sanctions",
    "president",
    "minister",
    "government",
    "election",
    "vote",
    "economy",
    "market",
    "trade",
    "war",
    "peace",
    "summit",
    "border",
    "missile",
    "nuclear",
    "energy",
    "oil",
    "gas",
    "climate",
    "flood",
    "storm",
    "court",
    "police",
    "protest",
    "health",
    "vaccine",
    "hospital",
    "school",
    "university",
    "research",
    "space",
    "rocket",
    "china",
    "india",
    "japan",
    "europe",
    "united",
    "states",
    "washington",
    "moscow",
    "seoul",
    "beijing",
    "delhi",
    "london",
    "paris",
    "berlin",
    "tokyo",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "on",
    "for",
    "with",
    "by",
    "at",
    "from",
    "that",
    "said",
    "has",
    "was",
    "were",
    "will",
    "would",
    "after",
    "before",
    "over",
    "under",
    "new",
    "old",
    "first",
    "last",
    "year",
    "week",
    "month",
    "day",
    "people",
    "officials",
    "report",
    "leader",
    "country",
    "state",
    "city",
    "region",
    "military",
    "army",
    "navy",
    "forces",
    "security",
    "council",
]
TAGS = [
    "North Korea",
    "Russia",
    "Ukraine",
    "China",
    "India",
    "United States",
    "Europe",
    "Elections",
    "Economy",
    "Climate",
    "Health",
    "Science",
    "Sport",
    "Technology",
    "Kim Jong Un",
    "Vladimir Putin",
    "Energy",
    "Trade",
    "Courts",
    "Protests",
    "Space",
    "Education",
    "Culture",
    "Business",
    "Weather",
    "Migration",
    "Defence",
    "Diplomacy",
    "Crime",
    "Transport",
    "Agriculture",
    "Housing",
    "Banking",
    "Media",
    "Religion",
]
SECTIONS = ["World", "Nation", "Business", "Sport", "Science", "Opinion", "Culture"]
CITIES = [
    "Seoul",
    "Moscow",
    "Kyiv",
    "Beijing",
    "New Delhi",
    "Washington",
    "London",
    "Paris",
    "Tokyo",
    "Berlin",
    "Nairobi",
    "Lima",
    "Sydney",
    "Ottawa",
    "Cairo",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    """Real news words first (most frequent), then generated words."""
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    made: set[str] = set()
    while len(made) < size:
        n = rng.choice((1, 2, 2, 2, 3, 3, 4))
        made.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(n)))
    return NEWS + sorted(made)


def article(rng: random.Random, words: list[str], weights: list[float], i: int) -> str:
    """One article in the seed layout (``weights`` are cumulative)."""
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    source = f"Source {i % 30:02d} News"
    title_words = rng.choices(words[:400], cum_weights=weights[:400], k=rng.randint(5, 11))
    title = " ".join(title_words).capitalize()
    section = rng.choice(SECTIONS)
    lines = [
        f" date {day.isoformat()}  {title} : {source}",
        "",
        f"  • {section}",
        f"  • {title}",
        "",
        title,
        "",
        title,
        "",
    ]
    lines += [
        " ".join(rng.choices(words, cum_weights=weights, k=18)).capitalize() + ". Reuters",
        "",
        "",
        "",
        "",
    ]
    lines += [f"{rng.choice(CITIES)}, {MONTHS[day.month - 1]} {day.day}", ""]
    total = rng.randint(300, 1500)
    paragraphs = rng.randint(4, 12)
    for _ in range(paragraphs):
        k = total // paragraphs
        text = " ".join(rng.choices(words, cum_weights=weights, k=k))
        lines += [text.capitalize() + ".", ""]
    if rng.random() < 0.33:
        lines += ["Key points", ""]
        lines += [
            "  • " + " ".join(rng.choices(words, cum_weights=weights, k=10)) + "." for _ in range(3)
        ]
        lines += [""]
    tags = rng.sample(TAGS, rng.randint(3, 8))
    lines.append(" ".join(f"#{t}" for t in tags))
    return "\n".join(lines) + "\n"


def generate(n: int, out: Path, seed: int = 1) -> None:
    """Write ``n`` articles into ``out`` (in subfolders of 1,000 files)."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = list(itertools.accumulate(1.0 / (r + 10) for r in range(len(words))))
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        folder = out / f"{i // 1000:04d}"
        if i % 1000 == 0:
            folder.mkdir(exist_ok=True)
        (folder / f"a{i:07d}.txt").write_text(article(rng, words, weights, i), encoding="utf-8")


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"wrote {args.n} articles to {args.out}")


if __name__ == "__main__":
    main()
