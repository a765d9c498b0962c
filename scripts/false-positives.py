#!/usr/bin/env python3
"""Redacted spans of a run that match no ground-truth sensitive item (possible over-redaction):
false-positives.py OUT_DIR CORPUS"""
import json, sys, unicodedata
out, corpus = sys.argv[1], sys.argv[2]
rep = json.load(open(f"{out}/werkbestanden/report.json"))
for d in rep["documents"]:
    if not d["path"].startswith("txt/"):
        continue
    doc = d["path"][4:-4]
    text = open(f"{corpus}/input/{d['path']}").read()
    truth = json.load(open(f"{corpus}/truth/{doc}.json"))
    sens = [s["text"].lower() for s in truth["sensitive"]]
    for f in d["findings"]:
        span = text.encode()[f["start"]:f["end"]].decode().lower()
        span_n = " ".join(span.split())
        if not any(span_n in " ".join(s.split()) or " ".join(s.split()) in span_n for s in sens):
            print(d["path"], f["rule"], repr(text.encode()[f["start"]:f["end"]].decode()))
