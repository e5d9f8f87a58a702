#!/usr/bin/env python3
"""Where a burst's time goes, from a loopback packet capture (bench/burst.sh with AMK_BENCH_PCAP=1).

    burst_timeline.py CAPTURE.txt BROKER_PORT UPSTREAM_PORT

CAPTURE.txt is `tcpdump -nn -tt -r` output of one burst through the broker. For the agents' connections to the broker
and the broker's connections to the upstream it prints, in ms from the burst's first SYN, when each phase happened
(p0/p10/p50/p90/max): the agents' SYNs and requests, the broker's first answer byte, its new upstream connections' SYNs
and requests, the upstream's first byte, and the requests it sent on connections it already had (its pool).
Python's standard library only.
"""
import re
import sys

LINE = re.compile(r'(\S+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+): Flags \[([^\]]*)\].*length (\d+)')


def main(path, broker, upstream):
    conns = {}
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        t, src, dst, flags, length = float(m[1]), m[2], m[3], m[4], int(m[5])
        if dst in (broker, upstream):
            key, way = (dst, src), 'out'
        elif src in (broker, upstream):
            key, way = (src, dst), 'back'
        else:
            continue
        c = conns.setdefault(key, {})
        if flags == 'S':
            c.clear()
            c['syn'] = t
        if length > 0:
            c.setdefault(way, t)
            c.setdefault(way + '_all', []).append(t)
    agents = sorted((v for k, v in conns.items() if k[0] == broker and 'syn' in v), key=lambda v: v['syn'])
    if not agents:
        sys.exit('no connection to the broker in the capture')
    t0 = agents[0]['syn']
    fresh = [v for k, v in conns.items() if k[0] == upstream and 'syn' in v and v['syn'] >= t0]
    pooled = [v for k, v in conns.items() if k[0] == upstream and ('syn' not in v or v['syn'] < t0)]

    def show(name, times):
        xs = sorted((t - t0) * 1000 for t in times)
        if not xs:
            return
        at = lambda p: xs[int(p * (len(xs) - 1))]
        print(f"| {name} | {len(xs)} | {at(0):.1f} | {at(.1):.1f} | {at(.5):.1f} | {at(.9):.1f} | {xs[-1]:.1f} |")

    print("| phase (ms from the burst's first SYN) | n | p0 | p10 | p50 | p90 | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    show("agent SYN to the broker", [v['syn'] for v in agents])
    show("agent request sent", [v['out'] for v in agents if 'out' in v])
    show("request on a pooled upstream connection", [min(t for t in v['out_all'] if t >= t0) for v in pooled
                                                     if any(t >= t0 for t in v.get('out_all', []))])
    show("broker SYN to the upstream (new connection)", [v['syn'] for v in fresh])
    show("request on a new upstream connection", [v['out'] for v in fresh if 'out' in v])
    show("upstream's first byte (new connection)", [v['back'] for v in fresh if 'back' in v])
    show("broker's first byte to the agent", [v['back'] for v in agents if 'back' in v])


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
