"""The topics a topic report can take (placement stability, care leavers, health,
safety, permanence and sufficiency, education and workforce): each a set of registry
measures, its monthly child-level series and its funnel-plot measures.

Kept apart from :mod:`evaltools.topics`, which computes the evaluations, so the
runner can check a topic named in an evaluation file without loading the statistics
(scipy and statsmodels: over a second before any notebook starts).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import registry
from .errors import ConfigError


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    question: str
    #: registry topics whose published measures belong here
    registry_topics: tuple[str, ...]
    #: further registry ids
    extra: tuple[str, ...] = ()
    #: child-level series by calendar month (SPC and ITS)
    monthly: tuple[str, ...] = ()
    #: measures for the funnel plot (percentages with counts for every council)
    funnel: tuple[str, ...] = ()
    #: why there is no monthly series, when there is none
    no_monthly: str = ""
    #: what the measures are and why they matter, for the notebook's opening
    about: str = ""

    def measure_ids(self) -> list[str]:
        ids = [m.id for m in registry.measures() if m.topic in self.registry_topics and (m.published or m.lait)]
        return ids + [m for m in self.extra if m in registry.ids() and m not in ids]


TOPICS = {t.id: t for t in [
    Topic("stability", "Placement stability",
          "Do children in care live in stable homes, with fewer moves?",
          ("stability",), extra=("placement_changes_carer_request_behaviour",),
          monthly=("placement_moves_per_child_year",),
          funnel=("cla_3plus_placements", "long_term_stability"),
          about="Stability is the measure children themselves talk about most: every move means a new home, often a new school, and new adults to trust. DfE counts children with three or more placements in the year (short-term stability) and, of children under 16 looked after for 2.5 years or more, those with the same carer for 2 years (long-term stability; DfE said 'the same placement' until its 2023 release, which restated the years from 2019 as 'the same carer'). The monthly series counts placement moves per child-year of care in each calendar month."),
    Topic("care_leavers", "Care leavers",
          "Are care leavers in education, employment or training, suitably housed and in touch?",
          ("care_leavers",),
          funnel=("care_leavers_eet_19_21", "care_leavers_suitable_accommodation_19_21",
                  "care_leavers_eet_17_18"),
          no_monthly="Care leavers' measures are taken around each young person's birthday once a "
                     "year, so there is no monthly series; the evaluation uses the annual figures.",
          about="The council stays a corporate parent to care leavers up to 25. DfE records, around each young person's 17th to 21st birthday, whether the council is in touch, whether they are in education, employment or training (EET), and whether their accommodation is suitable. Staying put counts those who stay with their former foster carers after 18."),
    Topic("health", "Health and wellbeing",
          "Do children in care get their health checks, and how are they doing emotionally?",
          ("health",), funnel=("oc2_health_assessments", "oc2_dental_checks", "oc2_immunisations"),
          no_monthly="Health outcomes (OC2) are collected once a year for children looked after for "
                     "12 months at 31 March, so there is no monthly series.",
          about="DfE's OC2 return covers children looked after continuously for 12 months at 31 March: annual health assessments, dental checks, immunisations, development checks for the under-5s, the Strengths and Difficulties Questionnaire (SDQ: a score of 17 or more is a cause for concern), convictions and substance misuse."),
    Topic("safety", "Safety: missing and away from placement",
          "Are fewer children going missing, and less often?",
          ("missing",), monthly=("cla_missing_incident", "missing_incidents_per_child", "cla_away_incident"),
          funnel=("cla_missing_incident",),
          about="A child missing from care is at risk of exploitation. DfE counts children who had a missing incident in the year, incidents per child who went missing, and children away from placement without authorisation. The monthly series count the same within each calendar month."),
    Topic("permanence", "Permanence and sufficiency",
          "Do children leave care to permanent homes in good time, and are there homes close by?",
          ("permanence", "placements", "population", "sufficiency"),
          monthly=("cla_starts", "cla_ceased", "new_placements_over_20_miles", "new_placements_outside_la"),
          funnel=("ceased_adopted", "cla_placed_outside_la_over_20_miles"),
          about="Permanence means a child leaves care to a lasting home: adoption, a special guardianship order, a child arrangements order or a planned return home. DfE measures adoption timeliness by A1 (entering care to moving in with the adoptive family), A2 (placement order to matching with the adopters) and A10 (A1, counted from moving in with foster carers who then adopt). DfE publishes these per council in its adoption scorecards, which evaltools does not bundle, so this report does not chart them; they are worked out from the council's own SSDA903 extract in the annual impact review of any strategy that names them. Sufficiency asks whether there are homes close by: new placements over 20 miles from home and outside the council's area."),
    Topic("education_workforce", "Education and workforce",
          "How are children in care doing at school, and is the social work workforce stable?",
          ("education", "workforce"),
          no_monthly="Education and workforce figures are published once a year (LAIT); there is no "
                     "child-level monthly series.",
          about="Education figures for children looked after (attainment, absence, suspensions) and children's social care workforce figures (turnover, agency workers, vacancies, caseloads) come from DfE's LA interactive tool (LAIT), which gives the council's rate without the counts behind it, so those figures cannot be tested for noise the way counts of children can."),
]}


def topic(topic_id: str) -> Topic:
    if topic_id not in TOPICS:
        raise ConfigError(f"unknown topic {topic_id!r}", fix=f"Use one of {', '.join(TOPICS)}")
    return TOPICS[topic_id]
