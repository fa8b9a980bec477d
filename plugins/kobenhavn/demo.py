"""København's demo year (``kommissorium demo``): Samarbejdsforum and the district board for
Amager + VVVK (KBH-1, KBH-3); KAB tries to send a stand-in and is refused (KBH-6); Domea
delegates its mandate to KAB for the year (KBH-7), and KAB's delegate fills the seat."""

MAIN_BODIES = ["samarbejdsforum", "bydelsbestyrelse-amager-vvvk"]
DISTRICT = "bydelsbestyrelse-amager-vvvk"
KAB_DEPUTY = "aysel.holm@kab.example"


def during(demo, key, meeting, index):
    if key != DISTRICT or index > 1:
        return None

    def refused_stand_in(meeting_id):
        resp = demo.call("PUT", f"meetings/{meeting_id}/attendance/kab", expect=(409,), json={
            "status": "present", "acting_as": "substitute", "person": KAB_DEPUTY})
        demo.log.append(resp.get_json()["message"])  # "… man sender ikke vikarer." (KBH-6)
        demo.put(f"meetings/{meeting_id}/attendance/kab", json={"status": "apologies"})

    def delegated_mandate(meeting_id):
        demo.post(f"bodies/{DISTRICT}/delegations", json={
            "seat": "domea", "to_organisation": "KAB",
            "starts_on": f"{demo.year}-01-01", "ends_on": f"{demo.year}-12-31"})  # KBH-7
        demo.put(f"meetings/{meeting_id}/attendance/domea", json={
            "status": "present", "acting_as": "delegate", "person": KAB_DEPUTY})

    return refused_stand_in if index == 0 else delegated_mandate
