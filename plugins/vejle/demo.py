"""Vejle's demo year (``kommissorium demo``): BPU's meetings; a theme group's proposal of
principle goes to hearing in the housing organisations and the Kommune, back to the theme
group, through FKU to BPU, which adopts it (VEJ-6), and the follow-ups go to the city council
and the organisations' boards (VEJ-1)."""

from datetime import datetime, timedelta

MAIN_BODIES = ["bpu"]
THEME = "temagruppe-boligsocial"
THEME_MEMBER = "tina.tvede@vejle.example"
THEME_SECRETARY = "susan.soerensen@bolivvejle.example"
FS = "laerke.lindberg@bolivvejle.example"
# Who answers the hearing for each party: its member of BPU.
ANSWERS = {
    "AAB": ("aase.albaek@aab.example", "AAB støtter principperne, men ønsker en overgangsperiode."),
    "DOMEA": ("dagny.moerk@domea.example", ""),
    "GIVE": ("gunnar.givskov@bf-give.example", ""),
    "GREJSDALEN": ("grethe.grejs@bf-grejsdalen.example", "Grejsdalen beder om, at små afdelinger undtages."),
    "JELLING": ("jens.jellingsoe@jelling-boligselskab.example", ""),
    "LEJERBO": ("lis.lerche@lejerbo.example", ""),
    "OSTERBO": ("ole.oestergaard@osterbo.example", ""),
    "VEJ-KOM": ("vagn.vejlby@vejle.example", "Kommunen bakker op om principperne."),
}


def story(demo):
    p = demo.post("proposals", who=THEME_MEMBER, json={
        "body": THEME, "title": "Fælles principper for boligsocial anvisning",
        "text": "Udkast til principper for anvisning i alle afdelinger.",
        "decision_sought": "Temagruppen indstiller, at BPU vedtager principperne.",
        "topics": ["principle"]})
    deadline = (datetime.now().astimezone() + timedelta(days=21)).isoformat()
    demo.post(f"proposals/{p['id']}/hearing", who=THEME_SECRETARY, json={"deadline_at": deadline})
    for org, (email, text) in ANSWERS.items():
        demo.post(f"proposals/{p['id']}/hearing/responses", who=email, json={
            "organisation": org, "kind": "comments" if text else "no_comments", "text": text})
    demo.post(f"proposals/{p['id']}/hearing/close", who=THEME_SECRETARY)
    demo.post(f"proposals/{p['id']}/decision", who=THEME_SECRETARY, json={
        "body": THEME, "outcome": "adopted", "text": "Temagruppen har indarbejdet høringssvarene."})
    demo.post(f"proposals/{p['id']}/decision", who=FS, json={
        "body": "fku", "outcome": "adopted", "text": "FKU lægger forslaget frem for BPU."})
    demo.post(f"proposals/{p['id']}/decision", who=FS, json={
        "body": "bpu", "outcome": "adopted", "text": "BPU vedtager principperne."})
