#!/usr/bin/env python3
"""Traffic-test client: COUNT requests to HOST:PORT over tcp or udp, each from its own source port
(BASE_PORT + i, so no two requests share a conntrack entry), each with TIMEOUT seconds.
Prints one line per request: the answering server's name, or "-" when nothing answered.

usage: probe.py tcp|udp HOST PORT COUNT BASE_PORT TIMEOUT   (HOST: an IPv4 or IPv6 address)
"""
import socket
import sys

proto, host, port, count, base, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])

family, anywhere = (socket.AF_INET6, "::") if ":" in host else (socket.AF_INET, "0.0.0.0")
for i in range(count):
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(timeout)
    answer = "-"
    try:
        s.bind((anywhere, base + i))
        if proto == "tcp":
            s.connect((host, port))
            s.sendall(b"ping %d" % i)
            data = s.recv(2048)
        else:
            s.sendto(b"ping %d" % i, (host, port))
            data, _ = s.recvfrom(2048)
        answer = data.split(b" ")[0].decode() or "-"
    except OSError:
        pass
    finally:
        s.close()
    print(answer, flush=True)
