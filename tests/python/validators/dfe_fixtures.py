"""Test data for the DfE validator tests: a tiny hand-made landing root and the runner.

The landing root holds two 903 returns of one LA (2023 and 2024, so that the 2024
return has a previous year) and one CIN census return. It carries deliberate faults
that the DfE rules must catch:

* 903 2024, child ``c001`` (lower case on purpose: the validator upper-cases values and
  the runner must map results back to the ID as written): an episode that ceases
  (DEC 01/05/2023) before it starts (DECOM 10/05/2023), rule 356;
* CIN 2024, child ``C101``: a CIN episode closed (2023-05-01) before its referral
  (2023-06-01), rule 8630.

The other children are clean enough not to matter to the assertions.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parents[3]
RUNNER_PATH = PROJECT_ROOT / "validators" / "run_dfe_validators.py"
VALIDATOR_PYTHON = PROJECT_ROOT / ".venv-validators" / "bin" / "python"

LA = "E09000005"
BROKEN_903_CHILD = "c001"
BROKEN_CIN_CHILD = "C101"

HEADER = """\ufeffchild,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,EXTRA_COLUMN
c001,1,15/06/2012,WBRI,A304212300011,,,x
C002,2,01/02/2010,BAFR,A304212300022,,,y
"""
EPISODES_2024 = """\
DECOM,CHILD,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
10/05/2023,c001,S,C2,N1,U4,PR1,01/05/2023,E13,,NW10 4AB,NW10 7NS,SC123456
01/01/2022,C002,S,C2,N1,U4,PR1,,,,HA9 0AA,NW10 7NS,SC123456
"""
EPISODES_2023 = """\
CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
C002,01/01/2022,S,C2,N1,U4,PR1,,,,HA9 0AA,NW10 7NS,SC123456
"""
CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message xmlns="http://www.dfe.gov.uk/CIN">
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2024</Year>
      <ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>304</LEA><SoftwareCode>cyplink</SoftwareCode>
      <Release>1</Release><SerialNo>1</SerialNo><DateTime>2024-05-01T00:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C101</LAchildID><UPN>A304212300011</UPN>
        <PersonBirthDate>2012-06-15</PersonBirthDate><GenderCurrent>1</GenderCurrent>
        <Sex>M</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-06-01</CINreferralDate><ReferralSource>3A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode><CINclosureDate>2023-05-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure><ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def write_tiny_landing(root: Path) -> Path:
    """Write the hand-made landing root described in the module docstring."""
    base = root / "ssda903" / LA
    for year, episodes in ((2023, EPISODES_2023), (2024, EPISODES_2024)):
        folder = base / str(year)
        folder.mkdir(parents=True)
        (folder / "header.csv").write_text(HEADER, encoding="utf-8")
        (folder / "episodes.csv").write_text(episodes, encoding="utf-8")
    cin = root / "cin_census" / LA / "2024"
    cin.mkdir(parents=True)
    (cin / "cin_census.xml").write_text(CIN_XML, encoding="utf-8")
    return root


def load_script(name: str) -> ModuleType:
    """A script in validators/ imported as a module (top level: standard library only)."""
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "validators" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def load_runner() -> ModuleType:
    """The runner script imported as a module."""
    return load_script("run_dfe_validators")
