"""Which function computes each measure, its unit and how far back it looks."""

from __future__ import annotations

from . import adoption, care_leavers as cl, flows, health, location, missing, practice, stability
from .engine import Spec

_SPECS = [
    Spec("cla_count", flows.cla_count, "count", calendar_month=True),
    Spec("cla_rate_per_10k", flows.cla_count, "rate_per_10k", needs_area=True),
    Spec("cla_starts", flows.starts, "count", calendar_month=True),
    Spec("cla_starts_rate_per_10k", flows.starts, "rate_per_10k", needs_area=True),
    Spec("cla_ceased", flows.ceased, "count", calendar_month=True),
    Spec("cla_ceased_rate_per_10k", flows.ceased, "rate_per_10k", needs_area=True),
    *[Spec(k, flows.ceased_reason(v), "percent", calendar_month=True) for k, v in flows.CEASED_GROUPS.items()],
    Spec("cla_3plus_placements", stability.three_plus, "percent"),
    Spec("cla_3plus_placements_2yr", stability.three_plus_2yr, "percent", lookback_months=24),
    Spec("long_term_stability", stability.long_term, "percent", lookback_months=30),
    Spec("placement_moves_per_child_year", stability.moves_per_child_year, "per_child_year", calendar_month=True),
    Spec("placement_moves_by_reason", stability.moves_by_reason, "percent_of_total",
         breakdown="reason"),
    Spec("new_placements_over_20_miles", location.over_20_miles, "percent", calendar_month=True),
    Spec("new_placements_outside_la", location.outside_la, "percent", needs_area=True, calendar_month=True),
    Spec("cla_placed_outside_la_over_20_miles", location.outside_la_over_20_miles, "percent", needs_area=True),
    Spec("cla_placement_type", location.placement_type, "percent_of_total",
         breakdown="placement_type_group"),
]
for ages in ("17_18", "19_21"):
    _SPECS += [
        Spec(f"care_leavers_in_touch_{ages}", cl.in_touch(ages), "percent", tables=("OC3",)),
        Spec(f"care_leavers_eet_{ages}", cl.eet(ages), "percent", tables=("OC3",)),
        Spec(f"care_leavers_suitable_accommodation_{ages}", cl.suitable_accommodation(ages), "percent",
             tables=("OC3",)),
    ]
_SPECS += [
    Spec("staying_put_18", cl.staying_put("18"), "percent", tables=("OC3",)),
    Spec("staying_put_19_20", cl.staying_put("19_20"), "percent", tables=("OC3",)),
    Spec("oc2_health_assessments", health.flag("HEALTH_ASSESSMENT"), "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_dental_checks", health.flag("TEETH_CHECK"), "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_immunisations", health.flag("IMMUNISATIONS"), "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_development_assessments", health.flag("HEALTH_CHECK", 0, 4), "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_sdq_received", health.sdq_received, "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_sdq_average", health.sdq_average, "score", monthly=False, tables=("OC2",)),
    Spec("oc2_sdq_concern", health.sdq_concern, "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_convictions", health.flag("CONVICTED", 10, 17), "percent", monthly=False, tables=("OC2",)),
    Spec("oc2_substance_misuse", health.flag("SUBSTANCE_MISUSE"), "percent", monthly=False, tables=("OC2",)),
    Spec("cla_missing_incident", missing.had_incident("M"), "percent", calendar_month=True, tables=("Missing",)),
    Spec("missing_incidents_per_child", missing.incidents_per_child("M"), "per_child", calendar_month=True, tables=("Missing",)),
    Spec("cla_away_incident", missing.had_incident("A"), "percent", calendar_month=True, tables=("Missing",)),
    Spec("cla_missing_at_31_march", missing.missing_at, "count", tables=("Missing",)),
    Spec("adoption_a1_days", adoption.a1, "days", complete=adoption.entries_seen(12)),
    Spec("adoption_a2_days", adoption.a2, "days", complete=adoption.entries_seen(12)),
    Spec("adoption_a10_days", adoption.a10, "days", complete=adoption.entries_seen(12)),
    Spec("adoption_a1_days_3yr", adoption.a1_3yr, "days", lookback_months=36, complete=adoption.entries_seen(36)),
    Spec("adoption_a2_days_3yr", adoption.a2_3yr, "days", lookback_months=36, complete=adoption.entries_seen(36)),
    Spec("adoption_a10_days_3yr", adoption.a10_3yr, "days", lookback_months=36, complete=adoption.entries_seen(36)),
    Spec("fostering_for_adoption", adoption.fostering_for_adoption, "percent", calendar_month=True),
    Spec("adoption_disruptions", adoption.disruptions, "count", calendar_month=True),
    Spec("cla_fostered_inside_la", location.fostered_inside_la, "percent", needs_area=True, calendar_month=True),
    Spec("stepdowns_residential_to_family", location.stepdowns, "count", calendar_month=True),
    # 18 months: a review is timed from the one before, up to 6 months earlier
    Spec("reviews_on_time", practice.on_time, "percent", lookback_months=18, calendar_month=True,
         tables=("Reviews",)),
    Spec("review_participation", practice.participation, "percent", calendar_month=True, tables=("Reviews",)),
    Spec("ethnicity_recorded", practice.ethnicity_recorded, "percent", calendar_month=True),
]
SPECS = {s.id: s for s in _SPECS}
