#!/usr/bin/env python3
"""Tiny TCP+UDP echo server for the traffic tests: answers every request with its own name.

usage: echo_server.py NAME TCP_PORT UDP_PORT   (runs until killed; binds UDP before TCP listens)
Listens on IPv6 and IPv4 alike (one dual-stack socket per protocol).
"""
import signal
import socket
import sys
import threading

# A parent (the swift test runner) may hand us a signal mask that blocks SIGTERM.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])

name, tcp_port, udp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
udp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
udp.bind(("::", udp_port))
tcp = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
tcp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("::", tcp_port))
tcp.listen(64)


def serve_udp():
    while True:
        data, peer = udp.recvfrom(2048)
        udp.sendto(name.encode() + b" " + data, peer)


def serve_tcp_connection(conn):
    with conn:
        conn.settimeout(2)
        try:
            data = conn.recv(2048)
            conn.sendall(name.encode() + b" " + data)
        except OSError:
            pass


threading.Thread(target=serve_udp, daemon=True).start()
while True:
    connection, _ = tcp.accept()
    threading.Thread(target=serve_tcp_connection, args=(connection,), daemon=True).start()
