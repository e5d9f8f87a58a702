#!/usr/bin/env python3
"""Where a burst's time goes, from a loopback packet capture (bench/burst.sh with AMK_BENCH_PCAP=1).

    burst_timeline.py CAPTURE.pcap BROKER_PORT UPSTREAM_PORT

CAPTURE.pcap is tcpdump's capture (-w, a snap length that keeps a request's first line) of one burst through the
broker. For the agents' connections to the broker and the broker's connections to the upstream it prints, in ms from
the burst's first SYN, when each phase happened (p0/p10/p50/p90/max): the agents' SYNs and requests, the broker's first
answer byte, its new upstream connections' SYNs and requests, the upstream's first byte, and the requests it sent on
connections it already had (its pool). Then the same steps for each probe (the requests asking for `hold=100`, sent
from the burst's half-way mark), from its own SYN: where a new request's wait goes.
Python's standard library only.
"""
import struct
import sys

PROBE = b'hold=100 '


def packets(path):
    """(time, source port, destination port, flags, payload) of each IPv4 TCP packet in a pcap file."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    scale = 1e-9 if magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d') else 1e-6
    link = struct.unpack(endian + 'I', data[20:24])[0]
    skip = {0: 4, 1: 14, 113: 16, 276: 20}.get(link)
    if skip is None:
        sys.exit(f'unknown link type {link}')
    at = 24
    while at + 16 <= len(data):
        seconds, fraction, caplen, _ = struct.unpack(endian + 'IIII', data[at:at + 16])
        frame = data[at + 16:at + 16 + caplen]
        at += 16 + caplen
        ip = frame[skip:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        tcp = ip[ihl:]
        if len(tcp) < 20:
            continue
        src, dst = struct.unpack('>HH', tcp[:4])
        offset = (tcp[12] >> 4) * 4
        yield seconds + fraction * scale, str(src), str(dst), tcp[13], total - ihl - offset, tcp[offset:]


SYN, ACK = 0x02, 0x10


def first_at_or_after(times, t):
    """The first of `times` at or after `t`, or None."""
    return min((x for x in times if x >= t), default=None)


def main(path, broker, upstream):
    conns = {}
    for t, src, dst, flags, length, payload in packets(path):
        if dst in (broker, upstream):
            key, way = (dst, src), 'out'
        elif src in (broker, upstream):
            key, way = (src, dst), 'back'
        else:
            continue
        c = conns.setdefault(key, {})
        if flags & SYN and not flags & ACK:
            c.clear()
            c['syn'] = t
        if length > 0:
            c.setdefault(way, t)
            c.setdefault(way + '_all', []).append(t)
            if way == 'out' and PROBE in payload:
                c.setdefault('probes', []).append(t)
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
        pick = lambda p: xs[int(p * (len(xs) - 1))]
        print(f"| {name} | {len(xs)} | {pick(0):.1f} | {pick(.1):.1f} | {pick(.5):.1f} | {pick(.9):.1f} | {xs[-1]:.1f} |")

    print("| phase (ms from the burst's first SYN) | n | p0 | p10 | p50 | p90 | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    show("agent SYN to the broker", [v['syn'] for v in agents])
    show("agent request sent", [v['out'] for v in agents if 'out' in v])
    show("request on a pooled upstream connection", [t for t in (first_at_or_after(v.get('out_all', []), t0) for v in pooled)
                                                     if t is not None])
    show("broker SYN to the upstream (new connection)", [v['syn'] for v in fresh])
    show("request on a new upstream connection", [v['out'] for v in fresh if 'out' in v])
    show("upstream's first byte (new connection)", [v['back'] for v in fresh if 'back' in v])
    show("broker's first byte to the agent", [v['back'] for v in agents if 'back' in v])

    # The probes (hold=100), each on a new agent connection; on the upstream side a pooled connection may carry several
    # one after another. Requests that met a pooled connection the upstream had closed (OkHttp retries those) got no
    # answer and are left out; the rest are matched to the probes in order of arrival (they are 100 ms apart).
    probes = sorted((v for k, v in conns.items() if k[0] == broker and 'probes' in v), key=lambda v: v['probes'][0])
    sent = []
    for k, v in conns.items():
        if k[0] != upstream:
            continue
        for i, t in enumerate(v.get('probes', [])):
            answer = first_at_or_after(v.get('back_all', []), t)
            if answer is not None:
                sent.append((t, answer, v.get('syn') if i == 0 else None))
    sent.sort()
    if not probes or len(probes) != len(sent):
        print(f'\n(probes: {len(probes)} in, {len(sent)} answered upstream: cannot pair them; was the snap length long enough?)')
        return
    print()
    print("| probe (ms from its SYN) | request in | upstream connection | request upstream | upstream's first byte | broker's first byte |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    ms = lambda t, origin: f'{(t - origin) * 1000:.1f}'
    for n, (p, (out, answer, syn)) in enumerate(zip(probes, sent), 1):
        start = p['syn']
        first_back = first_at_or_after(p.get('back_all', []), p['probes'][0])
        connection = f'new, SYN at {ms(syn, start)}' if syn is not None and syn >= start else 'pooled'
        print(f"| {n} | {ms(p['probes'][0], start)} | {connection} | {ms(out, start)} | {ms(answer, start)}"
              f" | {'' if first_back is None else ms(first_back, start)} |")


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
