"""Whether a recruiting site is within the distance the patient can travel."""

from __future__ import annotations

from trials.eligibility.declaration import Leaf, Question, register
from trials.eligibility.geo import km_to_miles
from trials.eligibility.profile import Facts
from trials.eligibility.words import Words, _, number

# A travel radius this large means "any distance" (half the Earth's circumference is as far as a site can be).
ANYWHERE_KM = 20000


def _distance(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


class TravelLeaf(Leaf):
    """Met when the nearest recruiting site is within the patient's radius; {"travel": false} never fails."""

    name, facts, example = "travel", ("latitude", "longitude", "travel_radius_km"), True
    questions = (Question("location", "location", _("ZIP code")),
                 Question("travel_radius_km", "number", _("How far could you travel to a trial site?"),
                          minimum=0, maximum=5000, unit=_("km")))

    def spec_schema(self) -> dict:
        return {"const": True}

    def check(self, spec, where: str) -> list[str]:
        return [] if spec is True else [f"{where}: must be true"]

    def question_for(self, spec, facts: Facts) -> str | None:
        p = facts.profile
        if p.latitude is None or p.longitude is None:
            return "location"
        if p.travel_radius_km is None:
            return "travel_radius_km"
        return None

    def evaluate(self, spec, facts: Facts, nearest):
        if spec is False:
            return True
        if self.question_for(spec, facts):
            return None
        if nearest is None:
            return False
        return nearest[1] <= facts.profile.travel_radius_km

    def quote(self, spec, facts: Facts, nearest, sites, raw) -> dict:
        p = facts.profile
        if raw is None:
            return {"located": p.latitude is not None and p.longitude is not None}
        if nearest is None:
            return {}
        index, km = nearest
        label = sites[index].label if sites and index < len(sites) else ""
        quoted = {"km": km, "radius_km": p.travel_radius_km}
        if isinstance(label, str) and label:  # callers may use site ids as labels: those are not for people
            quoted["site"] = label
        return quoted

    def sentences(self, quote: dict, raw, negated: bool, w: Words) -> tuple[str, str]:
        if raw is None:
            if not quote.get("located"):
                coordinator = w.gettext("Patient location not given")
            else:
                coordinator = w.gettext("Travel distance not given")
            return coordinator, w.gettext("We don't know where you live or how far you can travel yet.")
        if "km" not in quote:
            return (w.gettext("No recruiting site"),
                    w.gettext("No site is taking patients for this trial right now."))
        km = quote["km"]
        values = {"km": _distance(km), "where": f" ({quote['site']})" if quote.get("site") else "",
                  "radius": number(round(quote["radius_km"]))}
        nearest = w.gettext("The nearest site taking patients is %(km)s km (%(miles)s miles) from you",
                            km=values["km"], miles=_distance(km_to_miles(km)))
        if raw and quote["radius_km"] >= ANYWHERE_KM:
            return (w.gettext("Nearest recruiting site %(km)s km away%(where)s; no travel limit given", **values),
                    f"{nearest}.")
        if raw:
            return (w.gettext("Nearest recruiting site %(km)s km away%(where)s, within the %(radius)s km travel "
                              "radius", **values),
                    w.gettext("%(nearest)s, within the distance you can travel.", nearest=nearest))
        return (w.gettext("Nearest recruiting site %(km)s km away%(where)s, beyond the %(radius)s km travel radius",
                          **values),
                w.gettext("%(nearest)s, farther than you said you can travel.", nearest=nearest))


register(TravelLeaf())
