#!/usr/bin/env python3
"""Validate training/drafted/clauses.jsonl (Python 3 standard library only).

Checks:
- every line is a JSON object with exactly the fields id, doc, number, heading, text, categories, mechanisms,
  notes, in that order; string fields are strings, text and notes are non-empty;
- ids are drafted#1 .. drafted#N in file order; doc is "drafted-<style>";
- categories and mechanisms come only from the identifiers in shared/spec/taxonomy.md (parsed from the file,
  and compared with the literal lists below), with no repeats;
- no duplicate texts (after lower-casing and whitespace normalisation);
- no clause shares a 10-word sequence with any file in shared/corpus/open/*.txt, with any clause or heading in
  shared/data/ai_clauses/clauses.jsonl or written.jsonl, or with another drafted clause. Words are compared two
  ways, both lower-cased: whitespace-separated tokens, and runs of letters/digits (so punctuation and curly
  quotes cannot hide a copy);
- coverage targets: at least 700 clauses, 45 positives per category, 30 per mechanism, 150 with no category.
Prints counts per category, per mechanism and per doc style. Exit status 1 on any error.

Usage: python3 check.py [--shared PATH]   (default: ../../../shared relative to this file, or /work/shared)
"""
import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
N = 10
TARGETS = {"clauses": 700, "category": 45, "mechanism": 30, "none": 150}
sys.path.insert(0, os.path.dirname(HERE))
from common import CATEGORIES, FIELDS, MECHANISMS  # noqa: E402


errors = []


def err(msg):
    errors.append(msg)


def find_shared():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--shared":
        return args[1]
    for cand in (os.path.join(HERE, "..", "..", "..", "shared"), "/work/shared"):
        if os.path.isdir(os.path.join(cand, "spec")):
            return os.path.normpath(cand)
    sys.exit("shared/ not found; pass --shared PATH")


def taxonomy_ids(path):
    """Category ids from the first table of taxonomy.md and mechanism ids from section 3."""
    text = open(path, encoding="utf-8").read()
    cats = []
    sec1 = text.split("## 1.", 1)[1].split("## 2.", 1)[0]
    for line in sec1.splitlines():
        m = re.match(r"\|\s*`([a-z-]+)`\s*\|", line)
        if m:
            cats.append(m.group(1))
    sec3 = text.split("## 3.", 1)[1].split("## 4.", 1)[0]
    mechs = re.findall(r"`([a-z-]+)`", sec3)
    return cats, mechs


def norm(s):
    return re.sub(r"\s+", " ", s.replace("\u2019", "'").replace("\u2018", "'")
                  .replace("\u201c", '"').replace("\u201d", '"')).strip().lower()


def shingles(text):
    t = norm(text)
    out = set()
    for words in (t.split(" "), re.findall(r"[a-z0-9]+", t)):
        out.update(" ".join(words[i:i + N]) for i in range(len(words) - N + 1))
    return out


def main():
    shared = find_shared()
    cats, mechs = taxonomy_ids(os.path.join(shared, "spec", "taxonomy.md"))
    if cats != CATEGORIES:
        err(f"taxonomy.md categories {cats} differ from the literal list")
    if mechs != MECHANISMS:
        err(f"taxonomy.md mechanisms {mechs} differ from the literal list")
    cats, mechs = set(cats) or set(CATEGORIES), set(mechs) or set(MECHANISMS)

    path = os.path.join(HERE, "clauses.jsonl")
    recs = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                err(f"line {i}: {e}")
                continue
            if not isinstance(r, dict) or list(r.keys()) != FIELDS:
                err(f"line {i}: fields {list(r) if isinstance(r, dict) else type(r)} != {FIELDS}")
                continue
            for k in ("id", "doc", "number", "heading", "text", "notes"):
                if not isinstance(r[k], str):
                    err(f"line {i}: {k} is not a string")
            if not r["text"].strip() or not r["notes"].strip():
                err(f"line {i}: empty text or notes")
            if r["id"] != f"drafted#{i}":
                err(f"line {i}: id {r['id']!r}, expected 'drafted#{i}'")
            if not re.fullmatch(r"drafted-[a-z0-9]+(-[a-z0-9]+)*", r["doc"]):
                err(f"line {i}: bad doc {r['doc']!r}")
            for k, vocab in (("categories", cats), ("mechanisms", mechs)):
                v = r[k]
                if not isinstance(v, list) or any(x not in vocab for x in v) or len(set(v)) != len(v):
                    err(f"line {i}: bad {k}: {v}")
            recs.append(r)

    # duplicates
    seen = {}
    for r in recs:
        key = norm(r["text"])
        if key in seen:
            err(f"{r['id']}: duplicate text of {seen[key]}")
        seen[key] = r["id"]

    # overlap with sources
    sources = {}
    for p in sorted(glob.glob(os.path.join(shared, "corpus", "open", "*.txt"))):
        sources["corpus/" + os.path.basename(p)] = shingles(open(p, encoding="utf-8").read())
    for name in ("clauses.jsonl", "written.jsonl"):
        p = os.path.join(shared, "data", "ai_clauses", name)
        sh = set()
        with open(p, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                sh |= shingles(o["text"]) | shingles(o.get("heading", ""))
        sources["ai_clauses/" + name] = sh
    if not any(sources.values()):
        err("no source texts found for the overlap check")
    owner = {}
    for r in recs:
        mine = shingles(r["text"])
        for src, sh in sources.items():
            hit = mine & sh
            if hit:
                err(f"{r['id']}: shares a {N}-word sequence with {src}: {sorted(hit)[0]!r}")
        for s in mine:
            if s in owner and owner[s] != r["id"]:
                err(f"{r['id']}: shares a {N}-word sequence with {owner[s]}: {s!r}")
                break
        for s in mine:
            owner.setdefault(s, r["id"])

    # counts
    cat = collections.Counter(c for r in recs for c in r["categories"])
    mech = collections.Counter(m for r in recs for m in r["mechanisms"])
    docs = collections.Counter(r["doc"] for r in recs)
    none_c = sum(1 for r in recs if not r["categories"])
    none_m = sum(1 for r in recs if not r["mechanisms"])
    doc_none = collections.Counter(r["doc"] for r in recs if not r["categories"])

    print(f"clauses: {len(recs)}   with no category: {none_c}   with no mechanism: {none_m}   styles: {len(docs)}")
    print("\n| category | clauses |\n|---|---:|")
    for c in CATEGORIES:
        print(f"| `{c}` | {cat[c]} |")
    print(f"| (none) | {none_c} |")
    print("\n| mechanism | clauses |\n|---|---:|")
    for m in MECHANISMS:
        print(f"| `{m}` | {mech[m]} |")
    print(f"| (none) | {none_m} |")
    print("\n| doc style | clauses | with no category |\n|---|---:|---:|")
    for d in sorted(docs):
        print(f"| {d} | {docs[d]} | {doc_none[d]} |")

    if len(recs) < TARGETS["clauses"]:
        err(f"only {len(recs)} clauses (target {TARGETS['clauses']})")
    for c in CATEGORIES:
        if cat[c] < TARGETS["category"]:
            err(f"category {c}: {cat[c]} positives (target {TARGETS['category']})")
    for m in MECHANISMS:
        if mech[m] < TARGETS["mechanism"]:
            err(f"mechanism {m}: {mech[m]} clauses (target {TARGETS['mechanism']})")
    if none_c < TARGETS["none"]:
        err(f"only {none_c} clauses with no category (target {TARGETS['none']})")

    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print("\nOK: all checks passed")


if __name__ == "__main__":
    main()
