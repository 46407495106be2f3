"""A deliberately dirty landing set, built by hand, run through ingest and dbt staging once.

Every problem planted here is listed in `PLANTED` with where it must surface, so the
tests can check that each bad row and file is accounted for. The linkage step is not
run: a stand-in `linkage.person_key` is created from the content files' own keys.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

LA_A = "E09000005"
LA_B = "E09000009"

# (landing_table, LA, column, reason fragment) for each bad row planted below
PLANTED_ROW_ERRORS = [
    ("ssda903.episodes", LA_A, "DECOM", "not a valid date"),
    ("ssda903.episodes", LA_A, "PLACE", "unknown code"),
    ("ssda903.episodes", LA_A, "DEC", "end before start"),
    ("ssda903.episodes", LA_A, "RNE", "required value missing"),
    ("ssda903.episodes", LA_A, "LS", "required value missing"),  # short row, padded
    ("ssda903.oc2", LA_B, "IMMUNISATIONS", "unknown code"),
    ("cin.child", LA_A, "Sex", "unknown code"),
    ("cin.cin_details", LA_A, "CINclosureDate", "end before start"),
    ("gp.events", None, "event_date", "not a valid date"),
    ("gp.events", None, "event_date", "impossible date"),
    ("sus.apc", None, "admimeth", "unknown code"),
    ("mhsds.care_contacts", None, "CareContDate", "required value missing"),
]

BOM = "\ufeff"


def _csv(path: Path, lines: list[str], *, crlf: bool = False, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    newline = "\r\n" if crlf else "\n"
    text = newline.join(lines) + newline
    path.write_bytes(((BOM if bom else "") + text).encode("utf-8"))


CIN_GOOD = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID><UPN>A123456789012</UPN>
        <PersonBirthDate>2015-07-23</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>4A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment></Assessments>
        <Surprise>kept out</Surprise>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>C5</LAchildID><Sex>Q</Sex></ChildIdentifiers>
      <CINdetails><CINreferralDate>2023-07-01</CINreferralDate>
        <CINclosureDate>2023-06-01</CINclosureDate></CINdetails>
    </Child>
  </Children>
</Message>
"""


def write_dirty_landing(root: Path) -> None:
    """The dirty landing set (see module docstring and PLANTED_ROW_ERRORS)."""
    s903 = root / "ssda903"
    # BOM + CRLF, header in another order and case, an extra column, five bad rows
    _csv(
        s903 / LA_A / "2023" / "episodes.csv",
        [
            "child,DECOM,rne,LS,cin,place,place_provider,dec,rec,reason_place_change,home_post,pl_post,urn,NOTES",
            "C1,01/05/2022,S,C2,N1,U4,PR1,,,,HA9 0AA,HA9 1BB,,first",
            "C2,31/02/2022,S,C2,N1,U4,PR1,,,,,,,impossible date",
            "C3,01/05/2022,S,C2,N1,ZZ,PR1,,,,,,,unknown code",
            "C4,01/05/2022,S,C2,N1,U4,PR1,01/04/2022,E13,,,,,end before start",
            'C6,01/06/2022,,C2,N1,U4,PR1,,,,,,,"missing RNE, quoted comma"',
            "C7,01/06/2022,S",
        ],
        crlf=True,
        bom=True,
    )
    # the next return repeats C1's episode, now ceased: the later return must win
    _csv(
        s903 / LA_A / "2024" / "episodes.csv",
        [
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
            "C1,01/05/2022,S,C2,N1,U4,PR1,10/06/2023,E11,,HA9 0AA,,",
            "",
            "C8,15/09/2023,S,V2,N4,U6,PR2,,,,,,",
        ],
    )
    # a file missing a required column (DOB): rejected, its rows quarantined at file level
    _csv(s903 / LA_A / "2024" / "header.csv", ["CHILD,SEX,ETHNIC", "C1,1,WBRI", "C8,2,BAFR"])
    _csv(
        s903 / LA_A / "2023" / "header.csv",
        ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", "C1,1,23/07/2015,WBRI,A123456789012,,"],
    )
    # an empty file, and a file that is not text at all
    (s903 / LA_B / "2024").mkdir(parents=True, exist_ok=True)
    (s903 / LA_B / "2024" / "header.csv").write_bytes(b"")
    (s903 / LA_B / "2024" / "episodes.csv").write_bytes(b"\x00\x01\xff\xfeCHILD\x00,\xff\n\x00")
    _csv(
        s903 / LA_B / "2024" / "oc2.csv",
        [
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
            "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
            "B1,01/01/2012,55,,0,1,1,1,1,0,,",
            "B2,01/01/2012,12,,0,1,7,1,1,0,,",
        ],
    )
    # CIN: one good return with an unknown element and two bad rows, one malformed file
    for la, text in [(LA_A, CIN_GOOD), (LA_B, "<Message><Children><Child>")]:
        path = root / "cin_census" / la / "2024" / "cin_census.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _csv(
        root / "gp" / "2024-03-31" / "events.csv",
        [
            "patient_id,event_date,snomed_code,value",
            "G1,2023-05-01,195967001,",
            "G1,2023-13-45,35489007,",
            "G2,1850-01-01,35489007,",
        ],
    )
    diag_header = ",".join(f"diag_{i:02d}" for i in range(1, 21))
    _csv(
        root / "sus" / "apc" / "2023-24" / "apc.csv",
        [
            "der_pseudo_nhs_number,epikey,admidate,disdate,epistart,epiend,epiorder,admimeth,admisorc,"
            f"disdest,startage,sex,procode,tretspef,{diag_header},lsoa11,resladst_ons",
            "S1,E1,2023-06-01,2023-06-03,2023-06-01,2023-06-03,1,21,19,19,12,1,RV3,420,F32.9,X60"
            + "," * 18
            + ",E01000001,E09000005",
            "S1,E2,2023-07-01,2023-07-02,2023-07-01,2023-07-02,1,ZZ,19,19,12,1,RV3,420,J45"
            + "," * 19
            + ",,",
        ],
    )
    mhsds = root / "mhsds" / "2024"
    _csv(
        mhsds / "MHS101Referral.csv",
        [
            "UniqMonthID,Person_ID,UniqServReqID,ReferralRequestReceivedDate,SourceOfReferralMH,"
            "PrimReasonReferralMH,ServDischDate,OrgIDProv",
            "1401,M1,R1,2023-05-01,A1,07,,RV3",
            "1402,M1,R1,2023-05-01,A1,07,2023-06-30,RV3",
        ],
    )
    _csv(
        mhsds / "MHS201CareContact.csv",
        [
            "UniqMonthID,UniqServReqID,UniqCareContID,CareContDate,AttendOrDNACode,ConsMechanismMH",
            "1401,R1,K1,2023-05-10,3,01",
            "1402,R1,K1,2023-05-10,5,01",
            "1402,R1,K2,,5,01",
        ],
    )
    _csv(
        root / "reference" / "population.csv",
        ["la_code,year,age,sex,population", f"{LA_A},2023,0,M,1000", f"{LA_A},2023,0,F,990"],
    )


def write_stand_in_person_key(warehouse: Path) -> None:
    """`linkage.person_key` from the content keys, as `cyplink link` would write it."""
    keys = [("csc", LA_A, c) for c in ("C1", "C2", "C3", "C4", "C6", "C7", "C8", "C5")]
    keys += [("csc", LA_B, c) for c in ("B1", "B2")]
    keys += [("gp", "NWL", "G1"), ("gp", "NWL", "G2"), ("sus", "NWL", "S1"), ("mhsds", "NWL", "M1")]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists linkage")
        con.execute(
            "create or replace table linkage.person_key (source_system varchar, provider_code "
            "varchar, source_record_id varchar, person_id varchar, match_probability double, "
            "link_method varchar)"
        )
        con.executemany(
            "insert into linkage.person_key values (?, ?, ?, ?, 1.0, 'stand-in')",
            [(s, p, r, f"P_{s}_{r}") for s, p, r in keys],
        )
