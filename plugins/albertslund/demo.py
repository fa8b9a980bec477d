"""Albertslund's demo year (``kommissorium demo``): the board's two meetings (ALB-B7); at the
second, a vote that ends not quorate because AKB left before the close (ALB-B3) — VA and AB
vote by a show of hands, which the meeting leader records, the mayor on her own device; its
minutes wait for the members' approval by e-mail (ALB-B9)."""

MAIN_BODIES = ["bestyrelse"]
LEADER = "lise.lindholm@bo-vest.example"  # BO-VEST leads the meetings (ALB-B6)
MAYOR = "steffen.borg@albertslund.example"


def during(demo, key, meeting, index):
    if index != 1:
        return None

    def non_quorate(meeting_id):
        item = next(i for i in demo.get(f"meetings/{meeting_id}")["items"] if i["kind"] == "B")
        motion = demo.post(f"items/{item['id']}/motion", who=LEADER,
                           json={"text": "Bestyrelsen godkender aktivitetsplanen."})
        demo.post(f"motions/{motion['id']}/voting", who=LEADER)
        demo.post(f"motions/{motion['id']}/recorded-votes", who=LEADER, json={"votes": [
            {"unit": "VA", "choice": "yes"}, {"unit": "AB", "choice": "yes"}]})
        demo.post(f"motions/{motion['id']}/votes", who=MAYOR, json={"choice": "yes"})
        for seat in ("akb-formand", "akb-hedemarken-forretningsfoerer"):  # AKB leaves early
            demo.put(f"meetings/{meeting_id}/attendance/{seat}", json={"status": "absent"})
        demo.post(f"motions/{motion['id']}/close", who=LEADER)  # not quorate (ALB-B3)

    return non_quorate
