"""Write a synthetic corpus of plan documents for the benchmarks, deterministic from a seed.

The documents imitate the sample seeds, not their words: the numbering (一、 （一） 1、 and the
half-width (一) of 001), PDF-style line breaks with blank lines between them and a leading space
after a page break (000), trailing （责任单位：…） blocks that span lines, inline ``责任单位:``
sentences with half-width punctuation (001), ``牵头单位：…；配合单位：…`` pairs, inline actors
(公安机关要…, 市公安局牵头，市司法局配合), targets (排查率达到100%, 到2020年…全覆盖, 每年至少组织二次)
and several jurisdictions, each with its agency pool written in several ways (市检察院 / 市人民检察院,
团市委, 市人社局).

    python benchmarks/make_corpus.py OUT_DIR --measures 20000 [--seed 7]

Each file is one plan of 30–70 measures; the total is the number asked for (the loaders may count a
few differently). The same seed and size always give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JURISDICTIONS", "write_corpus"]

# (place, level word used in 团{level}委, prefix agencies are written with, collective lower levels)
JURISDICTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("呼和浩特市", "市", "市", "各旗县区"),
    ("聊城市", "市", "市", "各县(市区)党委、政府"),
    ("晋中市", "市", "市", "各县(区、市)"),
    ("包头市", "市", "市", "各旗县区"),
    ("鄂尔多斯市", "市", "市", "各旗区"),
    ("济南市", "市", "市", "各区县"),
    ("青岛市", "市", "市", "各区(市)"),
    ("太原市", "市", "市", "各县(市、区)"),
    ("沈阳市", "市", "市", "各区、县(市)"),
    ("大连市", "市", "市", "各区市县"),
    ("辽宁省", "省", "省", "各市"),
    ("山西省", "省", "省", "各市"),
)

# Bodies as a plan writes them after the level prefix (市 + 公安局). Several names of one body are in
# one tuple; the loaders' aliases merge them (检察院 → 人民检察院, 人社局 → 人力资源和社会保障局).
CITY_BODIES: tuple[tuple[str, ...], ...] = (
    ("公安局",),
    ("司法局",),
    ("委政法委",),
    ("综治办",),
    ("委维稳办",),
    ("检察院", "人民检察院"),
    ("中级人民法院", "中院"),
    ("信访局",),
    ("民政局",),
    ("教育局",),
    ("财政局",),
    ("人社局", "人力资源和社会保障局"),
    ("住建局",),
    ("交通运输局",),
    ("卫生计生委",),
    ("文化广电新闻出版局", "广电局"),
    ("工商局",),
    ("安监局",),
    ("国家安全局",),
    ("委宣传部",),
    ("网信办",),
    ("民宗局",),
    ("团{level}委",),
    ("妇联",),
    ("总工会",),
    ("城管局",),
    ("消防支队",),
    ("国土资源局",),
)
PROVINCE_BODIES: tuple[tuple[str, ...], ...] = (
    ("公安厅",),
    ("司法厅",),
    ("委政法委",),
    ("综治办",),
    ("人民检察院", "检察院"),
    ("高级人民法院", "高院"),
    ("信访局",),
    ("民政厅",),
    ("教育厅",),
    ("财政厅",),
    ("人社厅", "人力资源和社会保障厅"),
    ("住房城乡建设厅",),
    ("交通运输厅",),
    ("卫生计生委",),
    ("新闻出版广电局",),
    ("工商局",),
    ("安监局",),
    ("国家安全厅",),
    ("委宣传部",),
    ("网信办",),
    ("团{level}委",),
    ("妇联",),
)

SECTIONS = (
    "坚决维护政治安全，确保大局稳定",
    "突出工作重点，健全完善治安防控网络",
    "深化专项整治，严厉打击违法犯罪",
    "加强基层基础，推进社会治理创新",
    "强化矛盾化解，维护社会和谐稳定",
    "加强公共安全管理，防范重大风险",
    "推进信息化建设，提升防控效能",
    "落实保障措施，夯实工作基础",
)

HEADINGS = (
    "加强社会面治安防控网建设", "严厉打击“两抢一盗”、电信诈骗等侵财犯罪", "加强互联网管控",
    "加强流动人口服务管理", "继续加强特殊人群服务管理力度", "加强重点行业治安管理",
    "深入推进禁毒人民战争", "加强校园及周边治安综合治理", "推进矛盾纠纷多元化解",
    "加强寄递物流安全管理", "深化平安社区创建", "加强道路交通安全管理", "加强消防安全管理",
    "推进“雪亮工程”建设", "加强反恐怖防范工作", "加强网格化服务管理", "完善社会治安防控体系",
    "加强食品药品安全监管", "深化扫黑除恶专项斗争", "加强青少年违法犯罪预防",
)

SENTENCES = (
    "健全完善突出社会问题和重大风险隐患预知预警预防机制，加强情报搜集研判，做好风险评估，及早制定预案",
    "按照属地管理的模式，对城乡结合部、城中村等社会治安重点地区以及各类突出问题开展排查整治",
    "加强“路面巡逻、视频巡查、网络监控”的有效对接，将卡点、车辆、视频等数据资源充分融合",
    "落实法人责任制，完善禁寄物品清单制度，业务流程信息监管全程化，有效预防违法犯罪",
    "强化人防、物防、技防建设和日常管理，逐步在重点地区场站、重点线路配备管理人员",
    "深化社区警务战略，加强社区（驻村）警务室建设，大力加强社区警务辅助力量建设",
    "完善矛盾纠纷排查调处工作机制，构建多层次、实战化的大调解组织体系",
    "建立重点人员动态管控措施，及时掌握重点人员动态表现，提升管控效能",
    "加大对吸毒人员的收戒力度，严厉打击毒品犯罪，深入开展禁毒宣传教育",
    "加强对旅馆业、旧货业、典当业、公章刻制业等重点行业的治安管理工作",
    "统筹推进综治工作中心等基层综合服务管理平台建设，将人、地、物、事纳入网格管理",
    "加强电信网络诈骗犯罪打击防范，完善预警劝阻和止付冻结机制",
)

# Targets the target reader knows: a rate reaching a value, a deadline, a frequency.
TARGETS = (
    "重点人员排查率达到100%",
    "现行案件侦破率达到95%以上",
    "每年至少组织二次专项检查",
    "到{year}年，视频监控重点公共区域覆盖率达到100%",
    "到{year}年底，实现综治中心建设全覆盖",
    "命案破案率保持在95%以上",
    "矛盾纠纷调处成功率达到98%",
    "到{year}年，社区警务室建成率达到90%",
)

INLINE_ACTORS = (
    "公安机关要加强巡逻防控，提高见警率和管事率",
    "各级综治部门要会同有关部门定期开展督导检查",
)


@dataclass
class Place:
    name: str
    level: str
    prefix: str
    collective: str

    def bodies(self) -> tuple[tuple[str, ...], ...]:
        return PROVINCE_BODIES if self.level == "省" else CITY_BODIES

    def written(self, rng: random.Random, body: tuple[str, ...]) -> str:
        name = rng.choice(body).replace("{level}", self.level)
        if name.startswith("团"):
            return name
        return self.prefix + name


def _agencies(rng: random.Random, place: Place, n: int) -> list[str]:
    # The first few bodies (公安, 司法, 政法委 …) are in most plans' lists, as in the seeds.
    bodies = place.bodies()
    weights = [1.0 / (1 + i * 0.35) for i in range(len(bodies))]
    chosen: list[tuple[str, ...]] = []
    while len(chosen) < n:
        body = rng.choices(bodies, weights)[0]
        if body not in chosen:
            chosen.append(body)
    return [place.written(rng, body) for body in chosen]


def _wrap(text: str, rng: random.Random) -> list[str]:
    """PDF-style lines: about 30 characters, a trailing space, blank lines between, sometimes a
    page-break line that starts with a space."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        width = rng.randint(27, 31)
        line = text[pos : pos + width]
        pos += width
        lead = " " if rng.random() < 0.04 else ""
        out.append(lead + line + " ")
        out.append("")
    return out


def _body(rng: random.Random, year: int) -> tuple[str, int]:
    """A measure's prose, with 0–2 targets; returns the text and how many targets it states."""
    parts = rng.sample(SENTENCES, rng.randint(1, 3))
    n_targets = rng.choices((0, 1, 2), (0.45, 0.4, 0.15))[0]
    for _ in range(n_targets):
        parts.append(rng.choice(TARGETS).format(year=year + rng.randint(1, 6)))
    if rng.random() < 0.15:
        parts.insert(0, rng.choice(INLINE_ACTORS))
    return "。".join(parts) + "。", n_targets


def _duty(rng: random.Random, place: Place, style: str) -> str:
    agencies = _agencies(rng, place, rng.randint(1, 5))
    kind = rng.random()
    if kind < 0.12 and len(agencies) >= 2:
        # inline actors: X牵头，Y配合
        return f"由{agencies[0]}牵头，{'、'.join(agencies[1:])}配合。"
    if kind < 0.22 and len(agencies) >= 2:
        return f"（牵头单位：{agencies[0]}；配合单位：{'、'.join(agencies[1:])}）"
    listed = "、".join(agencies)
    if rng.random() < 0.5:
        listed += "，" + place.collective
    if style == "inline":
        return "责任单位:" + listed.replace("，", ",") + "。"
    return f"（责任单位：{listed}）"


def _plan(rng: random.Random, place: Place, n_measures: int, number: int) -> str:
    style = "pdf" if number % 2 == 0 else "inline"
    year = rng.randint(2005, 2019)
    title = f"{place.name}“平安建设”实施方案（第{number}号）"
    issuer_short = place.name[0] + ("综治委" if place.level == "市" else "综治办")
    lines = [
        f" {issuer_short}〔{year}〕{rng.randint(1, 40)} 号                  签发人：张明 ",
        "",
        title + " ",
        "",
        f"（{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日）",
        "",
        "一、指导思想 ",
        "",
        "认真贯彻党的十八大精神，加强和创新社会治理方式，进一步巩固和发展社会治安整治成果。 ",
        "",
    ]
    sections = rng.sample(SECTIONS, min(len(SECTIONS), max(1, -(-n_measures // 9))))
    per_section = [n_measures // len(sections)] * len(sections)
    for i in range(n_measures - sum(per_section)):
        per_section[i] += 1
    cn = "一二三四五六七八九十"
    for s, (section, count) in enumerate(zip(sections, per_section, strict=True), start=2):
        lines += [f"{cn[s - 1]}、{section} ", ""]
        for k in range(1, count + 1):
            heading = rng.choice(HEADINGS)
            body, _ = _body(rng, year)
            duty = _duty(rng, place, style)
            key = cn[k - 1] if k <= 10 else "十" + cn[k - 11]
            if style == "inline":
                lines.append(f"  ({key}){heading}。{body.replace('，', ',')}{duty}")
            else:
                lines += [f"    （{key}）{heading} ", ""]
                lines += _wrap(body, rng)
                lines += _wrap(duty, rng)
    lines += ["", f"{place.name}社会治安综合治理委员会", f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", ""]
    return "\n".join(lines)


def write_corpus(out: Path, measures: int, seed: int = 7) -> list[Path]:
    """Write plans totalling ``measures`` measures into ``out``; return the files in order."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    places = [Place(*j) for j in JURISDICTIONS]
    written: list[Path] = []
    left = measures
    number = 0
    while left > 0:
        n = min(left, rng.randint(30, 70))
        place = places[number % len(places)]
        text = _plan(rng, place, n, number)
        path = out / f"plan_{number:05d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        left -= n
        number += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the .txt plans into")
    parser.add_argument("--measures", type=int, default=2000, help="total number of measures (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    files = write_corpus(args.out, args.measures, args.seed)
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {args.measures} measures in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
