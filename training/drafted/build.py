#!/usr/bin/env python3
"""Build clauses.jsonl from the drafting sources in src/ (Python 3 standard library only).

Each src/sNN_<style>.py module defines DOC (the doc slug, "drafted-<style>") and CLAUSES, a list of
(number, heading, text, categories, mechanisms, notes) tuples. Categories and mechanisms are written as
space-separated short codes (see CAT and MECH below) to keep the sources readable; this script expands them
to the taxonomy identifiers, numbers the clauses drafted#1..N in file order and writes clauses.jsonl.
Run check.py afterwards.
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CAT = {
    "acc": "output-accuracy", "conf": "confidentiality", "sec": "security", "train": "training-use",
    "der": "derived-data", "ret": "retention", "sub": "subprocessors", "priv": "privacy",
    "own": "output-ownership", "ip": "ip-infringement", "aup": "acceptable-use", "chg": "model-change",
    "susp": "suspension", "ovs": "oversight", "reg": "regulatory",
}
MECH = {
    "def": "definition", "grant": "grant", "restr": "restriction", "obl": "obligation", "war": "warranty",
    "disc": "disclaimer", "cap": "liability-cap", "excl": "damages-exclusion", "carve": "carve-out",
    "indem": "indemnity", "rem": "remedy", "sr": "suspension-right", "note": "notice", "audit": "audit",
    "ins": "insurance",
}
CAT_ORDER = list(CAT.values())
MECH_ORDER = list(MECH.values())


def expand(codes, table, order, where):
    out = []
    for code in codes.split():
        if code not in table:
            sys.exit(f"{where}: unknown code {code!r}")
        out.append(table[code])
    if len(set(out)) != len(out):
        sys.exit(f"{where}: repeated code in {codes!r}")
    return sorted(out, key=order.index)


def main():
    src = os.path.join(HERE, "src")
    records = []
    for name in sorted(os.listdir(src)):
        if not (name.startswith("s") and name.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(src, name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for i, row in enumerate(module.CLAUSES, 1):
            where = f"{name} clause {i}"
            if len(row) != 6:
                sys.exit(f"{where}: expected 6 fields, got {len(row)}")
            number, heading, text, cats, mechs, notes = row
            records.append({
                "id": None,
                "doc": module.DOC,
                "number": number,
                "heading": heading,
                "text": " ".join(text.split()),
                "categories": expand(cats, CAT, CAT_ORDER, where),
                "mechanisms": expand(mechs, MECH, MECH_ORDER, where),
                "notes": notes,
            })
    with open(os.path.join(HERE, "clauses.jsonl"), "w", encoding="utf-8") as f:
        for n, r in enumerate(records, 1):
            r["id"] = f"drafted#{n}"
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} clauses to clauses.jsonl")


if __name__ == "__main__":
    main()
