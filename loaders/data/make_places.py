"""Generate ``places.tsv``: China's provinces, prefecture-level and county-level divisions (区, 县, 县级市, 旗 …), with
the regular short forms of the first two.

Source: the ``adcodes.csv`` and ``56_nations.csv`` shipped in the PyPI package cpca 0.5.5
(https://github.com/DQinYuan/chinese_province_city_area_mapper, MIT licence, © 2018 QinYuan Du).
Its divisions are those of about 2017 (莱芜市 still separate, 那曲地区 not yet 那曲市), which suits plans
written before then; later changes are listed in ``LATER`` below.

Run it by hand when the source changes (the loaders never import it):

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca
    python loaders/data/make_places.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl > loaders/data/places.tsv

Only *regular* short forms are generated here (the name without its level word: 聊城市 → 聊城,
内蒙古自治区 → 内蒙古, 延边朝鲜族自治州 → 延边 and 延边州). Irregular ones (呼市, 锡盟) and the one-
character 简称 (鲁, 蒙) are kept by hand in ``place_aliases.tsv``. County-level divisions get no short form here:
their stems are ordinary words too often (平安县 → 平安, 和平区 → 和平); a county's own documents may still
write its stem (岳阳楼公安分局 in a 岳阳楼区 plan), which the resolver reads for the document's own place only.
A county's parent is its prefecture (or its province, for one the province governs directly); a county name two
prefectures share (朝阳区, 鼓楼区) keeps no parent. Names that are ordinary words as well (城区, 郊区, 矿区:
``place_stopwords.txt``) are left out.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

# Divisions created after the source's snapshot: (adcode, name). The old name stays as a place too,
# because older plans use it.
LATER = [("540600", "那曲市")]

# The level word each name ends with, longest first; the province-level ones first for 市 (北京市).
LEVELS = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")
COUNTY_LEVELS = ("自治县", "自治旗", "特区", "林区", "县", "区", "市", "旗")
SKIP = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def read_source(wheel: str) -> tuple[list[tuple[str, str]], list[str]]:
    with zipfile.ZipFile(wheel) as archive:
        codes = archive.read("cpca/resources/adcodes.csv").decode("utf-8")
        nations = archive.read("cpca/resources/56_nations.csv").decode("utf-8").split()
    rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(io.StringIO(codes))]
    return rows, nations


def level_of(name: str) -> str:
    return next(level for level in LEVELS if name.endswith(level))


def short_forms(name: str, level: str, nations: list[str]) -> list[str]:
    """Regular short forms: the name without its level word and, for autonomous areas, the nationality."""
    stem = name[: -len(level)]
    if level in ("自治区", "自治州"):
        # 延边朝鲜族自治州 → 延边; 博尔塔拉蒙古自治州 → 博尔塔拉 (nationality written without 族)
        # but never down to one character: 内蒙古 is not 内 + 蒙古, 西藏 is not 西 + 藏.
        ethnic = sorted({n for nation in nations for n in (nation, nation.removesuffix("族"))}, key=len, reverse=True)
        pattern = re.compile(f"(?:{'|'.join(ethnic)})$")
        while (m := pattern.search(stem)) and m.start() >= 2:
            stem = stem[: m.start()]
    if level == "盟" and len(stem) < 3:
        return []  # 兴安 alone is a county name too; the league is always written 兴安盟
    forms = [stem] if len(stem) >= 2 else []
    if level == "自治州" and forms and not stem.endswith("州"):
        forms.append(stem + "州")  # 延边州, 恩施州: the usual way these prefectures are written
    return forms


def build(rows: list[tuple[str, str]], nations: list[str], stopwords: frozenset[str] = frozenset()
          ) -> list[tuple[str, str, str, str, str, list[str]]]:
    rows = sorted(set(rows) | set(LATER))
    provinces = {code[:2]: name for code, name in rows if code.endswith("0000")}
    prefectures = {code[:4]: name for code, name in rows if code.endswith("00") and not code.endswith("0000")
                   and name not in SKIP}
    places = []
    for code, name in rows:
        if name in SKIP:
            continue
        if code.endswith("0000"):
            rank, parent = "province", ""
        elif code.endswith("00"):
            rank, parent = "prefecture", provinces[code[:2]]
        else:
            continue
        level = level_of(name)
        places.append((name, rank, level, parent, code, short_forms(name, level, nations)))
    places += counties(rows, provinces, prefectures, stopwords)
    # A short form two places share is dropped for the lower rank (吉林 is 吉林省, not 吉林市) and for
    # both when they rank alike; a short form that is another place's full name is dropped too.
    full = {p[0] for p in places}
    owners: Counter[tuple[str, str]] = Counter((form, p[1]) for p in places for form in p[5])
    out = []
    for name, rank, level, parent, code, forms in places:
        kept = [
            f for f in forms
            if f not in full
            and owners[(f, rank)] == 1
            and not (rank == "prefecture" and owners[(f, "province")])
        ]
        out.append((name, rank, level, parent, code, kept))
    return out


def counties(rows: list[tuple[str, str]], provinces: dict[str, str], prefectures: dict[str, str],
             stopwords: frozenset[str]) -> list[tuple[str, str, str, str, str, list[str]]]:
    """County-level divisions: each once, with its prefecture (or province) when the name has one parent only."""
    found: dict[str, list[tuple[str, str]]] = {}
    taken = set(provinces.values()) | set(prefectures.values())
    for code, name in rows:
        if code.endswith("00") or name in SKIP or name in stopwords or name in taken:
            continue
        level = next((lv for lv in COUNTY_LEVELS if name.endswith(lv) and len(name) > len(lv)), None)
        if level is None:
            continue  # 东沙群岛, 神农架林区 aside: not a county-level name (or written without its level)
        parent = prefectures.get(code[:4]) or provinces[code[:2]]
        found.setdefault(name, []).append((code, parent))
    out = []
    for name, places in found.items():
        parents = {parent for _, parent in places}
        level = next(lv for lv in COUNTY_LEVELS if name.endswith(lv))
        out.append((name, "county", level, parents.pop() if len(parents) == 1 else "", places[0][0], []))
    return sorted(out, key=lambda row: row[4])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows, nations = read_source(argv[1])
    here = Path(__file__).parent
    lines = (here / "place_stopwords.txt").read_text(encoding="utf-8").split("\n")
    stopwords = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    out = sys.stdout
    out.write("# Generated by make_places.py from cpca 0.5.5 (MIT); do not edit: add forms to place_aliases.tsv\n")
    out.write("# name\trank (province, prefecture, county)\tlevel word\tparent (a prefecture's province; a county's "
              "prefecture, or province)\tadcode\tregular short forms (space-separated)\n")
    for name, rank, level, parent, code, forms in build(rows, nations, stopwords):
        out.write("\t".join([name, rank, level, parent or "-", code, " ".join(forms) or "-"]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
