"""Every code the generator writes, in one place, so that dbt seeds can mirror them.

Each list is a tuple of (code, description, group). Statutory codes follow the DfE
and NHS specifications (see reference/statutory-formats.md). SNOMED CT and ICD-10
codes are real concepts; where no specific UK concept was confirmed (the looked-after
child health assessment) a documented stand-in is used and named as such.
"""

from __future__ import annotations

ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {
    "white": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "black": ("BCRB", "BAFR", "BOTH"),
    "other": ("CHNE", "OOTH"),
    "unknown": ("REFU", "NOBT"),
}

# ---- GP (SNOMED CT concept ids) -------------------------------------------------
GP_SNOMED: tuple[tuple[str, str, str], ...] = (
    ("11429006", "Consultation (procedure)", "consultation"),
    ("185317003", "Telephone encounter (procedure)", "consultation"),
    ("38598009", "Administration of measles and mumps and rubella virus vaccine", "immunisation"),
    (
        "86198006",
        "Administration of vaccine product containing only Influenza virus antigen",
        "immunisation",
    ),
    ("195967001", "Asthma (disorder)", "chronic"),
    ("43116000", "Eczema (disorder)", "chronic"),
    ("84757009", "Epilepsy (disorder)", "chronic"),
    ("46635009", "Diabetes mellitus type 1 (disorder)", "chronic"),
    ("35489007", "Depressive disorder (disorder)", "mental_health"),
    ("197480006", "Anxiety disorder (disorder)", "mental_health"),
    ("406506008", "Attention deficit hyperactivity disorder (disorder)", "mental_health"),
    ("408856003", "Autistic disorder (disorder)", "mental_health"),
    ("72366004", "Eating disorder (disorder)", "mental_health"),
    ("248062006", "Self-injurious behavior (finding)", "self_harm"),
    ("417746004", "Traumatic injury (disorder)", "injury"),
    ("125605004", "Fracture of bone (disorder)", "injury"),
    ("25064002", "Headache (finding)", "symptom"),
    ("21522001", "Abdominal pain (finding)", "symptom"),
    ("49727002", "Cough (finding)", "symptom"),
    ("386661006", "Fever (finding)", "symptom"),
    ("27113001", "Body weight (observable entity)", "observation"),
    # Stand-in: no UK "looked after child health assessment" concept was confirmed in the
    # sources available; the generator records LAC health assessments with this concept.
    (
        "410620009",
        "Well child visit (procedure) [stand-in for LAC health assessment]",
        "lac_health_assessment",
    ),
)
LAC_HEALTH_ASSESSMENT_SNOMED = "410620009"

# ---- APC diagnoses (ICD-10) -----------------------------------------------------
ICD10: tuple[tuple[str, str, str], ...] = (
    ("J459", "Asthma, unspecified", "chronic"),
    ("J069", "Acute upper respiratory infection, unspecified", "acute"),
    ("J219", "Acute bronchiolitis, unspecified", "acute"),
    ("A099", "Gastroenteritis and colitis of unspecified origin", "acute"),
    ("R104", "Other and unspecified abdominal pain", "acute"),
    ("K358", "Acute appendicitis, other and unspecified", "acute"),
    ("G409", "Epilepsy, unspecified", "chronic"),
    ("E109", "Type 1 diabetes mellitus without complications", "chronic"),
    ("S060", "Concussion", "injury"),
    ("S525", "Fracture of lower end of radius", "injury"),
    ("S099", "Unspecified injury of head", "injury"),
    ("F329", "Depressive episode, unspecified", "mental_health"),
    ("F411", "Generalized anxiety disorder", "mental_health"),
    ("F500", "Anorexia nervosa", "mental_health"),
    ("F431", "Post-traumatic stress disorder", "mental_health"),
    ("F919", "Conduct disorder, unspecified", "mental_health"),
    ("R458", "Other symptoms and signs involving emotional state", "self_harm"),
    ("T391", "Poisoning by 4-Aminophenol derivatives", "self_harm"),
    ("X60", "Intentional self-poisoning by nonopioid analgesics", "self_harm"),
    ("X78", "Intentional self-harm by sharp object", "self_harm"),
    ("Z038", "Observation for other suspected diseases and conditions", "other"),
)

# ---- ECDS (SNOMED CT) -----------------------------------------------------------
ECDS_COMPLAINT: tuple[tuple[str, str, str], ...] = (
    ("386661006", "Fever (finding)", "illness"),
    ("21522001", "Abdominal pain (finding)", "illness"),
    ("49727002", "Cough (finding)", "illness"),
    ("267036007", "Dyspnea (finding)", "illness"),
    ("25064002", "Headache (finding)", "illness"),
    ("417746004", "Traumatic injury (disorder)", "injury"),
    ("82271004", "Injury of head (disorder)", "injury"),
    ("248062006", "Self-injurious behavior (finding)", "self_harm"),
)
ECDS_DIAGNOSIS: tuple[tuple[str, str, str], ...] = (
    ("54150009", "Upper respiratory infection (disorder)", "illness"),
    ("25374005", "Gastroenteritis (disorder)", "illness"),
    ("195967001", "Asthma (disorder)", "illness"),
    ("91175000", "Seizure (finding)", "illness"),
    ("125605004", "Fracture of bone (disorder)", "injury"),
    ("82271004", "Injury of head (disorder)", "injury"),
    ("399963005", "Abrasion (disorder)", "injury"),
    ("75478009", "Poisoning (disorder)", "self_harm"),
    ("35489007", "Depressive disorder (disorder)", "mental_health"),
)
ECDS_INJURY_INTENT: tuple[tuple[str, str, str], ...] = (
    ("418019003", "Accidental event (event)", "unintentional"),
    ("276853009", "Self inflicted injury (disorder)", "self_harm"),
    ("52684005", "Assault (event)", "assault"),
)
ECDS_DISCHARGE: tuple[tuple[str, str, str], ...] = (
    ("306689006", "Discharge to home (procedure)", "home"),
    ("306706006", "Discharge to ward (procedure)", "admitted"),
    ("19712007", "Patient transfer, to another health care facility (procedure)", "transfer"),
)
ECDS_DEPARTMENT_TYPES = ("01", "03")

# ---- SUS / HES codes ------------------------------------------------------------
ADMIMETH_EMERGENCY = ("21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D")
ADMIMETH_ELECTIVE = ("11", "12", "13")
TRETSPEF = {
    "420": "Paediatrics",
    "110": "Trauma and orthopaedics",
    "171": "Paediatric surgery",
    "711": "Child and adolescent psychiatry",
    "100": "General surgery",
    "340": "Respiratory medicine",
}
OP_ATTENDED = {
    "5": "Attended on time",
    "6": "Arrived late but seen",
    "7": "Did not attend",
    "2": "Cancelled by patient",
    "4": "Cancelled by provider",
}

# ---- MHSDS ----------------------------------------------------------------------
MH_SOURCE_OF_REFERRAL = {
    "A1": "General practitioner",
    "B1": "Self-referral",
    "C1": "Local authority social services (incl. looked-after services)",
    "D1": "Education service",
    "E1": "Justice system",
    "H1": "Acute secondary care: emergency care department",
}
MH_PRIMARY_REASON = {
    "07": "Depression",
    "08": "Anxiety",
    "12": "Eating disorders",
    "15": "Self harm behaviours",
    "16": "Conduct disorders",
    "21": "Attachment difficulties",
    "19": "Relationship difficulties",
    "17": "Neurodevelopmental conditions",
}
MH_TEAM_TYPE = {
    "C06": "Looked after children service [unverified]",
    "A18": "Single point of access service",
    "C10": "Community eating disorder service [unverified]",
    "A06": "Community mental health team - functional",
}
MH_ATTEND = {
    "5": "Attended on time",
    "6": "Arrived late but seen",
    "7": "Arrived late, could not be seen",
    "2": "Cancelled by patient",
    "3": "Did not attend, no warning",
    "4": "Cancelled by provider",
}
MH_CONS_MECHANISM = {"01": "Face to face", "02": "Telephone", "11": "Video consultation"}

# ---- 903 / CIN code sets used ----------------------------------------------------
RNE = ("S", "L", "P", "T", "U", "B")
LEGAL_STATUS = ("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
CIN_NEED = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
PLACE_PROVIDER = ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")
REASON_PLACE_CHANGE = (
    "CARPL",
    "CLOSE",
    "ALLEG",
    "STAND",
    "APPRR",
    "CREQB",
    "CREQO",
    "CHILD",
    "LAREQ",
    "PLACE",
    "OTHER",
)
REFERRAL_SOURCE = (
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
)
ASSESSMENT_FACTORS = (
    "1B",
    "2B",
    "3A",
    "3B",
    "4A",
    "4B",
    "5B",
    "6B",
    "10A",
    "11A",
    "14A",
    "15A",
    "16A",
    "17A",
    "18C",
    "21",
    "24A",
)
ABUSE_CATEGORY = ("NEG", "PHY", "SAB", "EMO", "MUL")


def as_markdown() -> str:
    """A short listing of the health code lists (written to codes_used.md)."""
    out = [
        "# Codes the synthetic generator writes",
        "",
        "Generated from `synthetic/codes.py`; dbt seeds mirror these.",
        "",
    ]
    for title, rows in (
        ("GP events (SNOMED CT)", GP_SNOMED),
        ("APC diagnoses (ICD-10)", ICD10),
        ("ECDS chief complaint (SNOMED CT)", ECDS_COMPLAINT),
        ("ECDS diagnosis (SNOMED CT)", ECDS_DIAGNOSIS),
        ("ECDS injury intent (SNOMED CT)", ECDS_INJURY_INTENT),
        ("ECDS discharge destination (SNOMED CT)", ECDS_DISCHARGE),
    ):
        out += [f"## {title}", "", "| code | description | group |", "|---|---|---|"]
        out += [f"| {c} | {d} | {g} |" for c, d, g in rows]
        out.append("")
    for title, mapping in (
        ("APC admission method: emergency", dict.fromkeys(ADMIMETH_EMERGENCY, "emergency")),
        ("Treatment specialty", TRETSPEF),
        ("MHSDS SourceOfReferralMH", MH_SOURCE_OF_REFERRAL),
        ("MHSDS PrimReasonReferralMH", MH_PRIMARY_REASON),
        ("MHSDS ServTeamTypeRefToMH", MH_TEAM_TYPE),
        ("MHSDS AttendOrDNACode (5, 6 = attended)", MH_ATTEND),
        ("MHSDS ConsMechanismMH", MH_CONS_MECHANISM),
    ):
        out += [f"## {title}", "", "| code | description |", "|---|---|"]
        out += [f"| {c} | {d} |" for c, d in mapping.items()]
        out.append("")
    return "\n".join(out)
