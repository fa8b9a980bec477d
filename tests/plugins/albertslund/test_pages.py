"""Albertslund's board on the pages: the secretary fixes the year's meetings at its start
(ALB-B7)."""

from tests.web.conftest import submit  # noqa: F401

T = "albertslund"
SECRETARY = "sanne.skov@abc.example"
VA = "vibeke.vestergaard@va.example"


def test_secretary_plans_the_year_ALB_B7(sync_tenant, member, submit):
    sync_tenant(T)
    page = f"/{T}/organer/bestyrelse/moeder?year=2027"
    html = submit(member(SECRETARY), page, f"/{T}/organer/bestyrelse/aarsplan", year="2027",
                  meetings="2027-03-10 17:00, Rådhuset\n2027-06-09 17:00\n").get_data(as_text=True)
    assert "Årsplanen er gemt." in html
    assert "10.03.2027 kl. 17:00" in html and "09.06.2027 kl. 17:00" in html
    bad = submit(member(SECRETARY), page, f"/{T}/organer/bestyrelse/aarsplan", year="2027",
                 meetings="i marts").get_data(as_text=True)
    assert "Ordinære møder, ét pr. linje: skriv tidspunktet på linje 1 som ÅÅÅÅ-MM-DD TT:MM." in bad
    assert ">i marts</textarea>" in bad  # what was typed is still there
    assert member(VA).post(f"/{T}/organer/bestyrelse/aarsplan").status_code in (400, 403)
