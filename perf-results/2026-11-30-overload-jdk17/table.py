# Before/after table from raw/*.json (loadgen) and raw/*.txt (relay CPU from /proc around each loadgen run).
import json, re, sys
labels = sys.argv[1:] or ['before', 'after']
print('| relay | run | w32 pkt/s | w0 pkt/s | w0/w32 | w0 relay drops / sent | w0 relay CPU s | w0 relay µs/fwd pkt | load avg (1m) |')
print('|---|---|---|---|---|---|---|---|---|')
for lab in labels:
    i = 1
    while True:
        try:
            j32 = json.load(open(f'raw/{lab}-r{i}-w32.json')); j0 = json.load(open(f'raw/{lab}-r{i}-w0.json'))
        except FileNotFoundError:
            break
        t0 = open(f'raw/{lab}-r{i}-w0.txt').read()
        cpu = float(re.search(r'relay_cpu_s (\S+)', t0).group(1))
        fwd = re.search(r'relay_forwarded (-?\d+)', t0)
        up = open(f'raw/{lab}-r{i}-w0-uptime.txt').read().split('average:')[1].split(',')[0].strip()
        us = f"{cpu * 1e6 / int(fwd.group(1)):.2f}" if fwd and int(fwd.group(1)) > 0 else 'n/a'
        print(f"| {lab} | {i} | {j32['throughput_pps']:,.0f} | {j0['throughput_pps']:,.0f} | "
              f"{j0['throughput_pps'] / j32['throughput_pps']:.2f} | {j0['dropped_by_relay']:,} / {j0['sent']:,} "
              f"({100.0 * j0['dropped_by_relay'] / j0['sent']:.1f}%) | {cpu:.2f} | {us} | {up} |")
        i += 1
