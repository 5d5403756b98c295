# Allocation samples by (object class, first derpring/netty frame), summed weight, from `jfr print --json`.
import json, sys, collections
ev = json.load(sys.stdin)["recording"]["events"]
agg = collections.Counter()
for e in ev:
    v = e["values"]; st = v.get("stackTrace")
    cls = v["objectClass"]["name"] if v.get("objectClass") else "?"
    where = "?"
    if st:
        fr = [f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"] for f in st["frames"]]
        where = " < ".join(fr[:6])
    agg[(cls, where)] += v.get("weight", 0)
tot = sum(agg.values())
for (c, w), n in agg.most_common(int(sys.argv[1]) if len(sys.argv) > 1 else 15):
    print(f"{n/1e6:9.1f} MB {100.0*n/tot:5.1f}%  {c}  @ {w}")
