"""Benchmark results as values, and the report folder: Markdown, JSON and PNG plots.

The JSON summary has one fixed shape, ``{task: {run: {measure: value, "queries": n}}}``,
which ``chainmatch eval ashare --json`` prints and a CI job or a notebook can read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.metrics import Metric, Qrels, Run, coverage, evaluate, evaluate_per_query

__all__ = [
    "CURVE_DEPTH",
    "MEASURES",
    "BenchResult",
    "RunResult",
    "group_rows",
    "score_run",
    "write_report",
]

MEASURES = ("recall@10", "recall@50", "ndcg@10", "mrr")
CURVE_DEPTH = 100


@dataclass(frozen=True)
class RunResult:
    """One system on one task: averages, the per-query breakdown and recall@k curve."""

    run: str
    task: str
    metrics: dict[str, float]
    queries: int
    coverage: float
    recall_curve: list[float]  # recall@k for k = 1 … CURVE_DEPTH
    per_query: list[Metric] = field(repr=False)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {**{k: round(v, 4) for k, v in self.metrics.items()}, "queries": self.queries}


def score_run(
    qrels: Qrels, run: Run, task: str, catalog: list[str], seconds: float = 0.0
) -> RunResult:
    """All the numbers a report shows for one run."""
    metrics = evaluate(qrels, run, MEASURES)
    curve_measures = [f"recall@{k}" for k in range(1, CURVE_DEPTH + 1)]
    curve = evaluate(qrels, run, curve_measures)
    return RunResult(
        run=run.name,
        task=task,
        metrics=metrics,
        queries=len(qrels.evaluated_queries()),
        coverage=coverage(run, catalog, k=10),
        recall_curve=[curve[m] for m in curve_measures],
        per_query=evaluate_per_query(qrels, run, MEASURES),
        seconds=seconds,
    )


@dataclass
class BenchResult:
    """Every run of every task of one benchmark invocation."""

    name: str
    tasks: dict[str, dict[str, RunResult]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # task → what → queries
    caption: str = (
        "Macro averages over query companies; find-supplier is filtered (known suppliers "
        "removed before the metrics), find-substitute is not."
    )

    def add(self, result: RunResult) -> None:
        self.tasks.setdefault(result.task, {})[result.run] = result

    def summary(self) -> dict[str, dict[str, dict[str, Any]]]:
        return {
            task: {name: r.summary() for name, r in runs.items()}
            for task, runs in self.tasks.items()
        }

    def table(self) -> list[list[str]]:
        """Rows of the results table: task, run, measures, coverage, queries, seconds."""
        rows = [["task", "run", *MEASURES, "coverage@10", "queries", "seconds"]]
        for task, runs in self.tasks.items():
            for name, r in runs.items():
                vals = [f"{r.metrics[m]:.3f}" for m in MEASURES]
                rows.append(
                    [task, name, *vals, f"{r.coverage:.3f}", str(r.queries), f"{r.seconds:.0f}"]
                )
        return rows


def group_rows(result: BenchResult, task: str, top: int | None = None) -> list[dict[str, Any]]:
    """Gold groups with evaluated queries, most queries first (the first ``top``), each
    run's recall@10 over those queries and the share of the run's recall@10 they make."""
    runs = result.tasks.get(task, {})
    recall = {
        name: {m.query_id: m.value for m in r.per_query if m.measure == "recall@10"}
        for name, r in runs.items()
    }
    evaluated = set().union(*(set(v) for v in recall.values())) if recall else set()
    groups = {g: qs & evaluated for g, qs in result.groups.get(task, {}).items()}
    ranked = sorted((g for g in groups if groups[g]), key=lambda g: (-len(groups[g]), g))
    rows = []
    for g in ranked[:top]:
        row: dict[str, Any] = {"group": g, "queries": len(groups[g])}
        for name, values in recall.items():
            got = sum(values.get(q, 0.0) for q in groups[g])
            total = sum(values.values())
            row[name] = {
                "recall@10": round(got / len(groups[g]), 4),
                "share_of_recall": round(got / total, 4) if total else 0.0,
            }
        rows.append(row)
    return rows


def _group_markdown(result: BenchResult) -> list[str]:
    lines: list[str] = []
    for task in result.groups:
        every = group_rows(result, task)
        if not every:
            continue
        runs = list(result.tasks.get(task, {}))
        n_q = result.tasks[task][runs[0]].queries if runs else 0
        lines += [
            f"## {task}: where the gold comes from",
            "",
            f"{len(every)} distinct sources of gold pairs for {n_q} queries; the ones with the "
            "most queries, with each run's recall@10 over those queries (and its share of the "
            "run's recall@10):",
            "",
            "| source | queries | " + " | ".join(runs) + " |",
            "|---|---|" + "---|" * len(runs),
        ]
        for row in every[:10]:
            cells = [f"{row[r]['recall@10']:.3f} ({row[r]['share_of_recall']:.0%})" for r in runs]
            lines.append(f"| {row['group']} | {row['queries']} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _markdown(result: BenchResult) -> str:
    rows = result.table()
    lines = [f"# ChainMatch evaluation: {result.name}", ""]
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "---|" * len(rows[0]))
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    lines += ["", result.caption, ""]
    if result.timings:
        lines.append("## Timings (seconds)")
        lines += [f"- {k}: {v:.1f}" for k, v in result.timings.items()]
        lines.append("")
    lines += _group_markdown(result)
    for task in result.tasks:
        lines += [
            f"![{task} metrics](metrics_{task}.png)",
            f"![{task} recall@k](recall_{task}.png)",
        ]
    if result.notes:
        lines += ["", "## Notes", "", "```json", json.dumps(result.notes, ensure_ascii=False,
                  indent=1), "```"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _finish(fig: Any, ax: Any, title: str, path: Path) -> Path:
    """Common axes, legend and file for every plot of the report."""
    import matplotlib.pyplot as plt

    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plots(result: BenchResult, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a server
    import matplotlib.pyplot as plt

    written: list[Path] = []
    for task, runs in result.tasks.items():
        fig, ax = plt.subplots(figsize=(7, 4))
        width = 0.8 / max(1, len(runs))
        for i, (name, r) in enumerate(runs.items()):
            xs = [j + i * width for j in range(len(MEASURES))]
            ax.bar(xs, [r.metrics[m] for m in MEASURES], width, label=name)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(MEASURES))], list(MEASURES))
        written.append(_finish(fig, ax, f"{task}: macro averages", folder / f"metrics_{task}.png"))

        fig, ax = plt.subplots(figsize=(7, 4))
        for name, r in runs.items():
            ax.plot(range(1, len(r.recall_curve) + 1), r.recall_curve, label=name)
        ax.set_xlabel("k")
        ax.set_ylabel("recall@k")
        written.append(_finish(fig, ax, f"{task}: recall@k", folder / f"recall_{task}.png"))
    return written


def write_report(result: BenchResult, folder: Path) -> list[Path]:
    """report.md, report.json (with the per-query breakdown) and the PNG plots."""
    folder.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {
        "name": result.name,
        "summary": result.summary(),
        "coverage@10": {
            t: {n: r.coverage for n, r in rs.items()} for t, rs in result.tasks.items()
        },
        "recall_curve": {
            t: {n: r.recall_curve for n, r in rs.items()} for t, rs in result.tasks.items()
        },
        "per_query": {
            t: {n: [m._asdict() for m in r.per_query] for n, r in rs.items()}
            for t, rs in result.tasks.items()
        },
        "groups": {t: group_rows(result, t) for t in result.groups},
        "timings": result.timings,
        "notes": result.notes,
    }
    md = folder / "report.md"
    md.write_text(_markdown(result), encoding="utf-8")
    js = folder / "report.json"
    js.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return [md, js, *_plots(result, folder)]
