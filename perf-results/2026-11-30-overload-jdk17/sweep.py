import json, re
print("| --sender-pause | run | w0 delivered pkt/s | relay drops / sent | sender pauses | pause timeouts | relay µs / fwd pkt | load 1m |")
print("|---|---|---|---|---|---|---|---|")
for i in (1, 2):
    for p in ("0", "10ms", "50ms"):
        lab = f"raw/sweep-pause{p}-r{i}-w0"
        j = json.load(open(lab + ".json")); m = open(lab + "-metrics.txt").read(); t = open(lab + ".txt").read()
        g = lambda k: (re.search(r"^" + k + r" (\S+)", m, re.M) or [None, "0"])[1]
        up = open(lab + "-uptime.txt").read().split("average:")[1].split(",")[0].strip()
        us = re.search(r"relay_cpu_us_per_forwarded_pkt (\S+)", t).group(1)
        print(f"| {p} | {i} | {j['throughput_pps']:,.0f} | {j['dropped_by_relay']:,} / {j['sent']:,} ({100.0*j['dropped_by_relay']/j['sent']:.1f}%) | "
              f"{g('derp_sender_pauses_total')} | {g('derp_sender_pause_timeouts_total')} | {us} | {up} |")
