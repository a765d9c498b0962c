#!/usr/bin/env python3
"""Lists the leaks, partial leaks and lost must-keep items of a scorer run:
eval-details.py RUN_DIR CORPUS [FORMAT]"""
import json, sys
run, corpus = sys.argv[1], sys.argv[2]
fmt = sys.argv[3] if len(sys.argv) > 3 else "txt"
for line in open(f"{run}/score.json.files.jsonl"):
    r = json.loads(line)
    if r["format"] != fmt and r["producer"] != fmt:
        continue
    t = json.load(open(f"{corpus}/truth/{r['doc']}.json"))
    for it in r["items"]:
        s = t["sensitive"][it["i"]]
        if it["leak"]:
            print("LEAK", r["path"], it["role"], repr(s["text"]), it["leak"])
        elif it.get("partial"):
            print("PART", r["path"], it["role"], repr(s["text"]), it["partial"])
    for k in r["keep"]:
        if k["in_input"] and not k["in_output"]:
            print("LOST", r["path"], repr(t["must_keep"][k["i"]]["text"]))
