# Top frames from `jfr print --json --events EVENT`: self (top frame) and inclusive counts, by method.
import json, sys, collections
data = json.load(sys.stdin)
events = data["recording"]["events"]
self_c = collections.Counter(); incl = collections.Counter(); weight = collections.Counter()
for e in events:
    st = e["values"].get("stackTrace")
    if not st:
        continue
    frames = st["frames"]
    names = []
    for f in frames:
        m = f["method"]; names.append(m["type"]["name"].split(".")[-1] + "." + m["name"])
    w = e["values"].get("weight", 1) or 1
    if names:
        self_c[names[0]] += 1; weight[names[0]] += w
        for n in set(names):
            incl[n] += 1
n = len(events)
print(f"events {n}")
print("-- self (top frame)")
for k, v in self_c.most_common(int(sys.argv[1]) if len(sys.argv) > 1 else 25):
    print(f"{v:6d} {100.0*v/n:5.1f}%  {k}  w={weight[k]}")
