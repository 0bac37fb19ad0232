"""`client.meals_consumed`: the meals a family's children consumed (entranext, R2.3)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping

from .._errors import FamilycardError
from ..models.notices import ConsumedMeal, MealsRecordResult
from ..rules.notices import check_meal_row, parse_month
from ._base import Resource


class MealsConsumedResource(Resource):
    """Meals consumed per day, recorded by the office; elevated users see them."""

    def list(self, *, month: str | None = None, member: str | None = None) -> list[ConsumedMeal]:
        """Meals consumed in a month (`YYYY-MM`; by default the portal's current month).

        On entranext the credentials must be elevated first (`elevation_required`).
        """
        if month is not None:
            parse_month(month)  # a malformed month fails before sending
        self._client.require("meals_consumed")
        params = {"month": month, "member": member}
        return self._call_list(ConsumedMeal, "GET", "/meals-consumed", params=params)

    def record(
        self, rows: Iterable[Mapping[str, str]], *, idempotency_key: str | None = None
    ) -> builtins.list[MealsRecordResult]:
        """Record meals consumed (clerk): rows of `child_tax_code`, `day`, `service`, `meals`.

        Recording a day again replaces its count, so re-running a file adds nothing.
        Invalid rows are reported without being sent.
        """
        info = self._client.require("meals_consumed")
        results: dict[int, MealsRecordResult] = {}
        batch: builtins.list[dict[str, object]] = []
        for number, row in enumerate(rows, start=1):
            try:
                clean = check_meal_row(row, info.policy)
            except FamilycardError as exc:
                results[number] = MealsRecordResult(
                    row=number, status="invalid", error={"code": exc.code, "message": exc.message}
                )
                continue
            batch.append({"row": number, "data": clean})
        if batch:
            sent = self._call_list(
                MealsRecordResult,
                "POST",
                "/clerk/meals-consumed",
                json={"rows": batch},
                idempotency_key=idempotency_key,
            )
            for result in sent:
                results[result.row] = result
        return [results[n] for n in sorted(results)]
