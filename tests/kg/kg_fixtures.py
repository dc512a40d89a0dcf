"""Hand-built Document records for the kg tests (the loaders are written elsewhere).

A uniquely named module, not conftest.py, so ``from kg_fixtures import …`` cannot pick up
another folder's conftest."""

from __future__ import annotations

from loaders.model import Assignment, Document, Measure

# A label quote as a PDF gives it: a line break, quotation marks and a stray backslash.
TRICKY_QUOTE = '责任单位：市公安局（牵头），\n市司法局、"市委政法委"指导\\各旗县区'


def hohhot_plan(doc_id: str = "a1b2c3d4e5f6") -> Document:
    """A 呼和浩特市 plan: two measures, 市公安局 leads both."""
    first = Measure(
        id=f"{doc_id}-001",
        key="一（一）",
        heading="加强社会治安防控体系建设",
        text="加强社会治安防控体系建设。\t健全“网上网下”防控网络。",
        line=12,
        assignments=[
            Assignment("呼和浩特市公安局", "市公安局", "lead", "first-listed", TRICKY_QUOTE, 14),
            Assignment("呼和浩特市司法局", "市司法局", "co", "explicit", TRICKY_QUOTE, 14),
            Assignment("呼和浩特市委政法委", "市委政法委", "guide", "explicit", TRICKY_QUOTE, 15),
            Assignment("呼和浩特市各旗县区", "各旗县区", "implement", "explicit", TRICKY_QUOTE, 15),
        ],
    )
    second = Measure(
        id=f"{doc_id}-002",
        key="一（二）",
        heading=None,
        text="市公安局要会同各县(市区)党委开展专项整治。",
        line=20,
        assignments=[
            Assignment("呼和浩特市公安局", "市公安局", "lead", "inline", "市公安局要会同", 20),
            # A collective body can hold any role; 各… makes it collective, not the role.
            Assignment("呼和浩特市各县(市区)党委", "各县(市区)党委", "co", "inline", "会同各县(市区)党委", 20),
        ],
    )
    return Document(
        id=doc_id,
        source="samples/呼和浩特 plan.txt",
        kind="plan",
        title="呼和浩特市平安建设实施方案",
        jurisdiction="呼和浩特市",
        issuer="呼和浩特市社会治安综合治理委员会",
        doc_number="呼综治委〔2014〕5号",
        date="2014",
        measures=[first, second],
    )


def liaocheng_plan(doc_id: str = "0f0e0d0c0b0a") -> Document:
    """A 聊城市 plan with one measure led by 聊城市公安局 and no 文号."""
    return Document(
        id=doc_id,
        source="samples/liaocheng.txt",
        kind="plan",
        title="关于建设“平安聊城”的实施意见",
        jurisdiction="聊城市",
        issuer=None,
        doc_number=None,
        date="2003年6月15日",
        measures=[
            Measure(
                id=f"{doc_id}-001",
                key="二(一)",
                heading="正确处理改革发展稳定的关系",
                text="正确处理改革发展稳定的关系。",
                line=30,
                assignments=[
                    Assignment("聊城市公安局", "市公安局", "lead", "first-listed", "责任单位：市公安局", 33),
                ],
            )
        ],
    )
