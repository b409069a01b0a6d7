#!/usr/bin/env python3
"""Summary table of bench/maps-bench.sh: reads the bench-http.py JSON results and the seeding figures, prints the
ratios ours/peer (req/s, tiles/s, CPU-ms/request) against the goals of issue 3, and the server's peak RSS.
Usage: summary.py RESULTS_DIR FACTS_FILE   (FACTS_FILE: key=value lines written by maps-bench.sh)"""
import json
import os
import sys

results, facts_file = sys.argv[1], sys.argv[2]
facts = {}
with open(facts_file) as f:
    for line in f:
        if '=' in line:
            k, v = line.rstrip('\n').split('=', 1)
            facts[k] = v


def load(name):
    p = os.path.join(results, f'bench_{name}.json')
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def med(res, c):
    return None if res is None else res['median'].get(str(c))


def fmt(v, spec='.1f'):
    return '-' if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def ok(cond):
    return '' if cond is None else ('ok' if cond else 'MISSED')


our_rss = []
errors = 0
lines = []
P = lines.append


def table(title, peer_label, peer_prefix, our_prefix, sets, goal_rps, goal_cpu, goal_p99=None, goal_c=None):
    global errors
    P(title)
    P(f"{'set':<6} {'c':>2} {peer_label + ' req/s':>16} {'ours req/s':>11} {'ratio':>6} {'goal':>6}   "
      f"{'peer CPU-ms':>11} {'ours CPU-ms':>11} {'ratio':>6} {'goal':>6}   {'ours p50/p99 ms':>15} {'peer p99':>8} {'err':>4} {'clean':>7}")
    for s in sets:
        peer, ours = load(f'{peer_prefix}_{s}'), load(f'{our_prefix}_{s}')
        for c in (2, 8):
            p, o = med(peer, c), med(ours, c)
            if p is None and o is None:
                continue
            rr = ratio(o and o['rps'], p and p['rps'])
            cr = ratio(o and o['server_cpu_ms_per_req'], p and p['server_cpu_ms_per_req'])
            check_c = goal_c is None or c == goal_c
            g1 = ok(rr >= goal_rps) if rr is not None and check_c else ''
            g2 = ok(cr <= goal_cpu) if cr is not None and goal_cpu is not None and check_c else ''
            p99 = o and o['lat_p99_us'] / 1000
            g3 = f" p99 {ok(p99 <= goal_p99)}" if goal_p99 is not None and p99 is not None and check_c else ''
            err = (o['errors'] if o else 0) + (p['errors'] if p else 0)
            errors += err
            if o:
                our_rss.append(o['server_rss_peak_mb'])
            clean = f"{o['n_clean']}/{o['n_runs']}" if o else '-'
            if p:
                clean += f",{p['n_clean']}/{p['n_runs']}"
            P(f"{s:<6} {c:>2} {fmt(p and p['rps']):>16} {fmt(o and o['rps']):>11} {fmt(rr, '.2f'):>6} {g1:>6}   "
              f"{fmt(p and p['server_cpu_ms_per_req'], '.3f'):>11} {fmt(o and o['server_cpu_ms_per_req'], '.3f'):>11} "
              f"{fmt(cr, '.2f'):>6} {g2:>6}   {fmt(o and o['lat_p50_us'] / 1000):>6}/{fmt(p99):<8} "
              f"{fmt(p and p['lat_p99_us'] / 1000):>8} {err:>4.0f} {clean:>7}{g3}")
    P('')


P(f"maps-bench {facts.get('date', '')}  load before start: {facts.get('load', '?')}  "
  f"duration {facts.get('duration', '?')} s x {facts.get('reps', '?')} reps per concurrency")
P(f"server: {facts.get('server', '')}")
P(f"peers:  {facts.get('peers', '')}")
P('')
table('WMS 1.3.0 GetMap 256x256 PNG EPSG:3857, rendered on the fly (both servers unpinned, 2 cores) — goal ours/MapServer >= 1.5x req/s',
      'MapServer', 'ms_wms', 'prism_wms', ('synth', 'meris'), 1.5, 1.0)
table('WMTS REST GetTile cache hits (server on cpu 1, wrk on cpu 0) — goal at c=8: >= 2x req/s, <= 0.5x CPU-ms/req, p99 <= 5 ms',
      'MapCache', 'mc_rest', 'prism_wmts', ('synth', 'meris'), 2.0, 0.5, 5.0, 8)

P('Seeding synth, GoogleMapsCompatible z0-14 (both unpinned) — goal ours/mapcache_seed >= 1.2x tiles/s')
pt, ps = facts.get('peer_seed_tiles'), facts.get('peer_seed_s')
ot, os_ = facts.get('our_seed_tiles'), facts.get('our_seed_s')
pr = float(pt) / float(ps) if pt and ps else None
orate = float(ot) / float(os_) if ot and os_ else None
P(f"  mapcache_seed -n 2 (metatiles 4x4): {pt or '-'} tiles in {ps or '-'} s = {fmt(pr)} tiles/s")
P(f"  ours POST /admin/seed:              {ot or '-'} tiles in {os_ or '-'} s = {fmt(orate)} tiles/s "
  f"(failed {facts.get('our_seed_failed', '-')}, state {facts.get('our_seed_state', '-')})")
sr = ratio(orate, pr)
wr = ratio(float(ps) if ps else None, float(os_) if os_ else None)
P(f"  ratio ours/peer tiles/s: {fmt(sr, '.2f')} {ok(sr >= 1.2) if sr is not None else ''}; same area and zooms, "
  f"wall time peer/ours: {fmt(wr, '.2f')} (mapcache_seed counts whole 4x4 metatiles over the layer extent, "
  f"ours the tiles over the footprint)")
P('')
peak = max([float(facts[k]) for k in ('vmhwm_wms_mb', 'vmhwm_wmts_mb') if facts.get(k)] + our_rss, default=None)
P(f"Peak RSS of our server (max of bench-http samples and /proc VmHWM): {fmt(peak, '.0f')} MB — goal <= 1024 MB "
  f"{ok(peak <= 1024) if peak is not None else ''}")
P(f"  VmHWM: WMS/seed phase {facts.get('vmhwm_wms_mb', '-')} MB, WMTS phase {facts.get('vmhwm_wmts_mb', '-')} MB")
P(f"Errors in the benchmark medians: {errors:.0f}")
print('\n'.join(lines))
