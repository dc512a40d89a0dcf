"""A fake neo4j driver that records every statement and its parameters and keeps enough state (ids of
merged nodes, merged relationships) to report the counters a real server would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass
class FakeServer:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    nodes: dict[str, set[str]] = field(default_factory=dict)  # id -> labels
    relationships: set[tuple[str, str, str]] = field(default_factory=set)
    constraints: set[str] = field(default_factory=set)
    sessions: list[dict[str, Any]] = field(default_factory=list)

    def run(self, cypher: str, params: dict[str, Any]) -> dict[str, int]:
        self.calls.append((cypher, params))
        counters = dict.fromkeys(("nodes_created", "relationships_created", "properties_set", "labels_added",
                                  "constraints_added", "nodes_deleted", "relationships_deleted"), 0)
        if cypher.startswith("CREATE CONSTRAINT"):
            name = cypher.split()[2]
            counters["constraints_added"] = int(name not in self.constraints)
            self.constraints.add(name)
        elif "DETACH DELETE" in cypher:
            doomed = [i for i, labels in self.nodes.items() if "PinganKG" in labels][: params["limit"]]
            for i in doomed:
                del self.nodes[i]
            before = len(self.relationships)
            self.relationships = {r for r in self.relationships if r[0] in self.nodes and r[2] in self.nodes}
            counters["nodes_deleted"] = len(doomed)
            counters["relationships_deleted"] = before - len(self.relationships)
        elif "MERGE (n:" in cypher:
            labels = set(re.findall(r"`([A-Za-z0-9_]+)`", cypher))
            for row in params["rows"]:
                counters["nodes_created"] += int(row["id"] not in self.nodes)
                self.nodes.setdefault(row["id"], set()).update(labels)
                counters["properties_set"] += len(row["props"])
        elif "MERGE (a)-[r:" in cypher:
            rel = re.search(r"\[r:`([A-Z_]+)`\]", cypher).group(1)
            for row in params["rows"]:
                if row["source"] in self.nodes and row["target"] in self.nodes:
                    key = (row["source"], rel, row["target"])
                    counters["relationships_created"] += int(key not in self.relationships)
                    self.relationships.add(key)
                    counters["properties_set"] += len(row["props"])
        return counters


class _Tx:
    def __init__(self, server: FakeServer) -> None:
        self.server = server

    def run(self, cypher: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        assert not kwargs, "values go in the parameters dict"
        counters = self.server.run(cypher, dict(params or {}))
        return SimpleNamespace(consume=lambda: SimpleNamespace(counters=SimpleNamespace(**counters)))


class _Session:
    def __init__(self, server: FakeServer) -> None:
        self.server = server

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def execute_write(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(_Tx(self.server), *args, **kwargs)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("writes must go through execute_write (retried on transient errors)")


class FakeDriver:
    def __init__(self, server: FakeServer | None = None) -> None:
        self.server = server or FakeServer()
        self.closed = False

    def session(self, **kwargs: Any) -> _Session:
        self.server.sessions.append(kwargs)
        return _Session(self.server)

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FakeDriver:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
