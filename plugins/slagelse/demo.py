"""Slagelse's demo year (``kommissorium demo``): four board meetings (SLA-7); at the first,
an item decided without objection (SLA-5) with BoligKorsør's dissent recorded (SLA-6); the
board approves the minutes (SLA-9), the latest are pending."""

MAIN_BODIES = ["bestyrelse"]
CHAIR = "frede.fogh@fob.example"
BK = "klaus.korsholm@boligkorsoer.example"


def during(demo, key, meeting, index):
    if index != 0:
        return None

    def no_objection_with_dissent(meeting_id):
        item = next(i for i in demo.get(f"meetings/{meeting_id}")["items"] if i["kind"] == "B")
        motion = demo.post(f"items/{item['id']}/motion", who=CHAIR,
                           json={"text": "Bestyrelsen godkender aktivitetsplanen."})
        demo.post(f"motions/{motion['id']}/close", who=CHAIR)  # nobody objects (SLA-5)
        demo.post(f"motions/{motion['id']}/dissents", who=BK,
                  json={"text": "BoligKorsør tager forbehold for økonomien i fritidsjobindsatsen."})

    return no_objection_with_dissent
