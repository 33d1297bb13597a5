#!/usr/bin/env python3
"""Validate clauses.jsonl (CUAD clauses hand-labelled for proportion) and print counts.

Usage: python3 check.py [SHARED_DATA_DIR]
SHARED_DATA_DIR defaults to ../../../shared/data relative to this file (i.e. /work/shared/data).
Python 3 standard library only. Exit status 1 if any check fails.

Checks:
- every line is a JSON object with exactly the fields id, doc, number, heading, text, categories,
  mechanisms, notes, in that order, with the right types;
- ids are cuad#1..cuad#N, unique and sequential;
- categories and mechanisms come only from taxonomy.md (15 + 15 identifiers), no duplicates in a list;
- every doc is listed in contracts.txt (written beside this file), every contract in contracts.txt is
  used, and none of them is in the held-out set, recomputed here from contracts_train.jsonl:
  per contract_type, filenames sorted by sha256("proportion-cuad-dev-v1|" + filename); the first
  round(len * 0.2) of each type are held out;
- every text (and every non-empty heading) occurs verbatim in its contract's text after collapsing
  runs of whitespace to one space;
- no two clauses have the same text; no text is empty.
It prints counts per category, per mechanism, clauses without category, and distinct contracts.
"""
import collections
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
CONTRACTS = os.path.join(DATA, "cuad", "contracts_train.jsonl")
CLAUSES = os.path.join(HERE, "clauses.jsonl")
ALLOWED = os.path.join(HERE, "contracts.txt")

sys.path.insert(0, os.path.dirname(HERE))
from common import CATEGORIES, FIELDS, MECHANISMS  # noqa: E402


errors = []


def err(msg):
    errors.append(msg)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def held_out(rows):
    by_type = collections.defaultdict(list)
    for r in rows:
        by_type[r["contract_type"]].append(r["filename"])
    held = set()
    for names in by_type.values():
        names = sorted(names, key=lambda f: hashlib.sha256(("proportion-cuad-dev-v1|" + f).encode()).hexdigest())
        held.update(names[:round(len(names) * 0.2)])
    return held


def main():
    with open(CONTRACTS, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    texts = {r["filename"]: norm(r["text"]) for r in rows}
    held = held_out(rows)

    with open(ALLOWED, encoding="utf-8") as f:
        allowed = [line.rstrip("\n") for line in f if line.strip()]
    if len(set(allowed)) != len(allowed):
        err("contracts.txt has duplicate lines")
    allowed_set = set(allowed)
    for name in allowed:
        if name not in texts:
            err("contracts.txt: not a contract in contracts_train.jsonl: %r" % name)
        if name in held:
            err("contracts.txt: held-out (dev) contract listed: %r" % name)

    recs = []
    with open(CLAUSES, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                err("line %d: empty line" % ln)
                continue
            try:
                r = json.loads(line, object_pairs_hook=collections.OrderedDict)
            except ValueError as e:
                err("line %d: bad JSON (%s)" % (ln, e))
                continue
            recs.append((ln, r))

    seen_text = {}
    used_docs = set()
    cat_count = collections.Counter()
    mech_count = collections.Counter()
    no_cat = no_mech = 0
    for n, (ln, r) in enumerate(recs, 1):
        where = "line %d" % ln
        if list(r.keys()) != FIELDS:
            err("%s: fields %s, expected %s" % (where, list(r.keys()), FIELDS))
            continue
        if r["id"] != "cuad#%d" % n:
            err("%s: id %r, expected cuad#%d" % (where, r["id"], n))
        for k in ("doc", "number", "heading", "text", "notes"):
            if not isinstance(r[k], str):
                err("%s: %s is not a string" % (where, k))
        for k in ("categories", "mechanisms"):
            if not isinstance(r[k], list) or not all(isinstance(x, str) for x in r[k]):
                err("%s: %s is not a list of strings" % (where, k))
        if errors and errors[-1].startswith(where):
            continue
        for c in r["categories"]:
            if c not in CATEGORIES:
                err("%s: unknown category %r" % (where, c))
        for m in r["mechanisms"]:
            if m not in MECHANISMS:
                err("%s: unknown mechanism %r" % (where, m))
        if len(set(r["categories"])) != len(r["categories"]):
            err("%s: duplicate category" % where)
        if len(set(r["mechanisms"])) != len(r["mechanisms"]):
            err("%s: duplicate mechanism" % where)
        doc = r["doc"]
        used_docs.add(doc)
        if doc not in allowed_set:
            err("%s: doc not listed in contracts.txt: %r" % (where, doc))
        if doc in held:
            err("%s: doc is a held-out (dev) contract: %r" % (where, doc))
        if doc not in texts:
            err("%s: doc not found in contracts_train.jsonl: %r" % (where, doc))
            continue
        text = r["text"]
        if not text or text != norm(text):
            err("%s: text empty or not whitespace-normalised" % where)
        elif text not in texts[doc]:
            err("%s: text not found verbatim in %s" % (where, doc))
        if r["heading"] and norm(r["heading"]) != r["heading"]:
            err("%s: heading not whitespace-normalised" % where)
        if text in seen_text:
            err("%s: duplicate text (same as %s)" % (where, seen_text[text]))
        seen_text[text] = r["id"]
        cat_count.update(r["categories"])
        mech_count.update(r["mechanisms"])
        if not r["categories"]:
            no_cat += 1
        if not r["mechanisms"]:
            no_mech += 1

    unused = allowed_set - used_docs
    if unused:
        err("contracts.txt lists %d contracts with no clause, e.g. %r" % (len(unused), sorted(unused)[0]))

    print("clauses: %d   distinct contracts: %d" % (len(recs), len(used_docs)))
    types = collections.Counter(r["contract_type"] for r in rows if r["filename"] in used_docs)
    print("contract types: %s" % ", ".join("%s %d" % kv for kv in sorted(types.items(), key=lambda kv: -kv[1])))
    print("\n| category | clauses |\n|---|---:|")
    for c in CATEGORIES:
        print("| `%s` | %d |" % (c, cat_count[c]))
    print("| (none) | %d |" % no_cat)
    print("\n| mechanism | clauses |\n|---|---:|")
    for m in MECHANISMS:
        print("| `%s` | %d |" % (m, mech_count[m]))
    print("| (none) | %d |" % no_mech)

    if errors:
        print("\n%d ERROR(S):" % len(errors))
        for e in errors[:50]:
            print("  " + e)
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
