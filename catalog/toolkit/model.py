"""Toolkit items (惠企工具包): policies and services with typed eligibility conditions.

Why a typed tree and not free text: a park publishes each policy's conditions as numbered
clauses ("上年度营业收入不低于2000万元"), and a company wants to know which clause it meets,
which it misses and by how much. Each leaf names a `FactField` (what is compared), an `Op`
and a value, and cites its clause; ``all`` / ``any`` groups combine them. What a field may
be compared with is declared once (`FIELD_TYPES`, `OPS_BY_TYPE`); `catalog.toolkit.checks`
refuses a leaf that does not fit, and contradictions inside an ``all`` group.

Example usage::

    item = ToolkitItem.model_validate({"id": "tk-voucher", "name": "创新券", "kind": "policy",
                       "source": "《XX区促进产业链高质量发展若干政策》",
                       "conditions": {"kind": "all", "items": [
                           {"kind": "condition", "field": "employees", "op": "le",
                            "value": 300, "clause": "第五条第(二)款"}]}})
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from catalog.desk.model import RequestKind

__all__ = [
    "FIELD_LABELS",
    "FIELD_TYPES",
    "FIELD_UNITS",
    "OPS_BY_TYPE",
    "STORED_FIELDS",
    "THRESHOLD_OPS",
    "AllOf",
    "AnyOf",
    "Condition",
    "FactField",
    "FieldType",
    "ItemKind",
    "Node",
    "Op",
    "OrgFact",
    "ToolkitItem",
    "describe_errors",
]

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
ItemId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
]


class FieldType(enum.StrEnum):
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"  # one value of an enum (kind, size)
    PLACE = "place"  # province, city or park
    SET = "set"  # several values held (chain, segment)
    QUALIFICATION = "qualification"  # held, and valid until a date


class FactField(enum.StrEnum):
    """What a condition compares. Facts the catalog lacks are stored per organisation."""

    # from the organisation in the catalog
    KIND = "kind"
    SIZE = "size"
    REGION = "region"
    CHAIN = "chain"
    SEGMENT = "segment"
    QUALIFICATION = "qualification"
    # organisation facts (the toolkit's own table)
    FOUNDED = "founded"  # date of registration (成立日期)
    AGE_YEARS = "age_years"  # whole years since founded, on the day of the match
    EMPLOYEES = "employees"  # 职工人数
    REVENUE = "revenue"  # 上年度营业收入, 万元
    RD_SPEND = "rd_spend"  # 上年度研发费用, 万元
    RD_RATIO = "rd_ratio"  # 研发费用占营业收入比例, %
    RD_STAFF_RATIO = "rd_staff_ratio"  # 科技人员占职工比例, %
    INVENTION_PATENTS = "invention_patents"  # 有效发明专利, 件
    IP_COUNT = "ip_count"  # 知识产权总数 (发明、实用新型、软著…), 件
    TAX = "tax"  # 上年度纳税额, 万元


FIELD_TYPES: dict[FactField, FieldType] = {
    FactField.KIND: FieldType.CHOICE,
    FactField.SIZE: FieldType.CHOICE,
    FactField.REGION: FieldType.PLACE,
    FactField.CHAIN: FieldType.SET,
    FactField.SEGMENT: FieldType.SET,
    FactField.QUALIFICATION: FieldType.QUALIFICATION,
    FactField.FOUNDED: FieldType.DATE,
    FactField.AGE_YEARS: FieldType.NUMBER,
    FactField.EMPLOYEES: FieldType.NUMBER,
    FactField.REVENUE: FieldType.NUMBER,
    FactField.RD_SPEND: FieldType.NUMBER,
    FactField.RD_RATIO: FieldType.NUMBER,
    FactField.RD_STAFF_RATIO: FieldType.NUMBER,
    FactField.INVENTION_PATENTS: FieldType.NUMBER,
    FactField.IP_COUNT: FieldType.NUMBER,
    FactField.TAX: FieldType.NUMBER,
}
# Facts kept in the toolkit's own table (age_years is derived from founded).
STORED_FIELDS: tuple[FactField, ...] = (
    FactField.FOUNDED,
    FactField.EMPLOYEES,
    FactField.REVENUE,
    FactField.RD_SPEND,
    FactField.RD_RATIO,
    FactField.RD_STAFF_RATIO,
    FactField.INVENTION_PATENTS,
    FactField.IP_COUNT,
    FactField.TAX,
)
FIELD_LABELS: dict[FactField, str] = {
    FactField.KIND: "机构类型",
    FactField.SIZE: "企业规模",
    FactField.REGION: "注册地",
    FactField.CHAIN: "所属产业链",
    FactField.SEGMENT: "产业链环节",
    FactField.QUALIFICATION: "资质",
    FactField.FOUNDED: "成立日期",
    FactField.AGE_YEARS: "成立年限",
    FactField.EMPLOYEES: "职工人数",
    FactField.REVENUE: "上年度营业收入",
    FactField.RD_SPEND: "上年度研发费用",
    FactField.RD_RATIO: "研发费用占营业收入比例",
    FactField.RD_STAFF_RATIO: "科技人员占比",
    FactField.INVENTION_PATENTS: "有效发明专利",
    FactField.IP_COUNT: "知识产权总数",
    FactField.TAX: "上年度纳税额",
}
FIELD_UNITS: dict[FactField, str] = {
    FactField.AGE_YEARS: "年",
    FactField.EMPLOYEES: "人",
    FactField.REVENUE: "万元",
    FactField.RD_SPEND: "万元",
    FactField.RD_RATIO: "%",
    FactField.RD_STAFF_RATIO: "%",
    FactField.INVENTION_PATENTS: "件",
    FactField.IP_COUNT: "件",
    FactField.TAX: "万元",
}


class Op(enum.StrEnum):
    EQ = "eq"
    NE = "ne"
    IN = "in"
    NOT_IN = "not_in"
    GE = "ge"
    GT = "gt"
    LE = "le"
    LT = "lt"
    BETWEEN = "between"  # inclusive [low, high]
    HAS = "has"  # holds (a qualification: whatever its expiry; a chain or segment)
    HAS_VALID = "has_valid"  # holds a qualification valid on the day
    NOT_HAS = "not_has"
    BEFORE = "before"  # a date strictly before the value
    AFTER = "after"  # a date strictly after the value


OPS_BY_TYPE: dict[FieldType, frozenset[Op]] = {
    FieldType.NUMBER: frozenset({Op.EQ, Op.NE, Op.GE, Op.GT, Op.LE, Op.LT, Op.BETWEEN}),
    FieldType.DATE: frozenset({Op.BEFORE, Op.AFTER, Op.BETWEEN}),
    FieldType.CHOICE: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN}),
    FieldType.PLACE: frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN}),
    FieldType.SET: frozenset({Op.HAS, Op.NOT_HAS, Op.IN, Op.NOT_IN}),
    FieldType.QUALIFICATION: frozenset({Op.HAS, Op.HAS_VALID, Op.NOT_HAS}),
}
# Operators whose miss has a distance (how far from the threshold): "nearly eligible".
THRESHOLD_OPS = frozenset({Op.GE, Op.GT, Op.LE, Op.LT, Op.BETWEEN, Op.BEFORE, Op.AFTER})


class ItemKind(enum.StrEnum):
    POLICY = "policy"  # a subsidy, award, voucher, tax relief (政策)
    SERVICE = "service"  # a park service with its own conditions (服务)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Model):
    """One comparison, citing the clause it comes from."""

    kind: Literal["condition"] = "condition"
    field: FactField
    op: Op
    value: Any = Field(description="a number, an ISO date, a text, or a list of them")
    clause: ShortText = Field(description="the clause cited, e.g. 第五条第(二)款")
    label: ShortText | None = Field(default=None, description="the clause's own words")


class AllOf(_Model):
    kind: Literal["all"] = "all"
    items: tuple[Node, ...] = Field(min_length=1, max_length=50)


class AnyOf(_Model):
    kind: Literal["any"] = "any"
    items: tuple[Node, ...] = Field(min_length=1, max_length=50)


Node = Annotated[Condition | AllOf | AnyOf, Field(discriminator="kind")]
AllOf.model_rebuild()
AnyOf.model_rebuild()


class ToolkitItem(_Model):
    """A policy or service of the toolkit; ``conditions`` say who may use it."""

    id: ItemId
    name: ShortText
    kind: ItemKind = ItemKind.POLICY
    source: ShortText = Field(description="the policy document, e.g. 《XX区…若干政策》")
    department: ShortText | None = Field(default=None, description="主管部门 / handler")
    summary: LongText = ""
    benefit: LongText = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    request_kinds: tuple[RequestKind, ...] = Field(
        default=(), description="desk request kinds it may answer (finance, policy …)"
    )
    conditions: Node
    fictional: bool = False

    def in_effect(self, day: dt.date) -> bool:
        after_start = self.effective_from is None or self.effective_from <= day
        return after_start and (self.effective_to is None or day <= self.effective_to)


class OrgFact(_Model):
    """One stored fact of an organisation (revenue, founded …), with when and whence."""

    org_id: str
    field: FactField
    value: float | dt.date
    as_of: dt.date | None = None
    source: ShortText = "declared"


def describe_errors(exc: ValidationError) -> str:
    """Pydantic's errors on one line, each as ``path: message`` (the union's tags dropped)."""
    problems = []
    for e in exc.errors():
        loc = [str(x) for x in e["loc"] if x not in ("condition", "all", "any")]
        where = ".".join(loc)
        msg = str(e["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {msg}" if where else msg)
    return "; ".join(problems)
