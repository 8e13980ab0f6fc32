"""API endpoints of the assessment app, mounted under /api/assessment/ by clusterhub/api.py."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from .dossier import Dossier, DossierError
from .engine import Engine
from .management.commands.assess import summary
from .rulesets import RuleSetError, get_ruleset

router = Router(tags=["assessment"])


class AssessIn(Schema):
    ruleset: str
    dossier: dict[str, Any]
    full: bool = False


@router.post("/assess", summary="按规则集评估一份评估资料（与 manage.py assess 相同）")
def assess(request: HttpRequest, payload: AssessIn) -> dict[str, Any]:
    """Evaluates the posted dossier (docs/dossier.md) against a rule set; stores nothing.
    Numbers should be sent as strings to stay exact; JSON numbers are read as Decimal."""
    try:
        ruleset = get_ruleset(payload.ruleset)
    except RuleSetError as exc:
        raise HttpError(404, str(exc)) from exc
    try:
        raw = json.loads(request.body.decode("utf-8"), parse_float=Decimal)
        dossier = Dossier.from_dict(raw.get("dossier", payload.dossier))
    except (DossierError, ValueError) as exc:
        raise HttpError(422, f"评估资料有误：{exc}") from exc
    result = Engine(ruleset).evaluate(dossier).as_dict()
    return result if payload.full else summary(result)
