"""Small, valid SSDA903 extracts written as DfE-layout CSVs, for tests to damage."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

SALT = "test-salt-for-evaltools-0123456789"

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
            "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
OC2 = ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
       "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
       "INTERVENTION_OFFERED"]
OC3 = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
MISSING = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def base_tables() -> dict[str, tuple[list[str], list[list[str]]]]:
    """A clean 2023-24 return: two children in care, one care leaver."""
    return {
        "header.csv": (HEADER, [
            ["C1001", "1", "15/05/2010", "WBRI", "A123456789012", "", ""],
            ["C1002", "2", "03/11/2008", "MWBC", "UN1", "0", ""],
            ["C1003", "1", "10/06/2004", "WBRI", "B123456789012", "", ""],
        ]),
        "episodes.csv": (EPISODES, [
            ["C1001", "01/06/2022", "S", "C2", "N1", "U4", "PR1", "10/10/2023", "X1", "CARPL",
             "HR1 2HX", "AL10 9AB", "SC123456"],
            ["C1001", "10/10/2023", "P", "C2", "N1", "U4", "PR4", "", "", "", "HR1 2HX", "HR1 2HX",
             "SC654321"],
            ["C1002", "01/01/2020", "S", "C2", "N1", "U6", "PR1", "05/02/2024", "E4A", "",
             "HR1 2HX", "HR1 2HX", ""],
        ]),
        "oc2.csv": (OC2, [
            ["C1001", "15/05/2010", "12", "", "0", "", "1", "1", "1", "0", "", ""],
        ]),
        "oc3.csv": (OC3, [["C1003", "10/06/2004", "YES", "F1", "T1"]]),
        "missing.csv": (MISSING, [["C1001", "15/05/2010", "M", "01/12/2023", "02/12/2023"]]),
    }


def write_table(path: Path, columns, rows, *, encoding="utf-8", newline="\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator=newline)
        w.writerow(columns)
        w.writerows(rows)
    return path


def write_extract(folder: Path, tables=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (cols, rows) in (tables or base_tables()).items():
        write_table(folder / name, cols, rows)
    return folder


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
