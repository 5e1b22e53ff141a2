#!/usr/bin/python3
"""backend.py: the endpoint servers and the client of the rule tests.

  backend.py serve NAME IP PORT [udp] [--ready FILE] [--lifetime S]
      answers each TCP connection, or each UDP datagram, with
      "NAME <source-ip>\\n", so a test sees which endpoint took the
      traffic and what source address it saw (masquerade or not).
      Writes FILE once bound; exits after S seconds (default 600) so
      that nothing outlives a test that died without its cleanup.
  backend.py probe IP PORT [udp] [--timeout S]
      prints the answer, or "refused", "timeout", "unreachable" or
      "error: ERRNO"; exits 0 only for an answer.  The whole probe takes
      at most S seconds (default 2).

Standard library only: the tests must not need anything beyond python3.
"""

import errno
import os
import select
import socket
import sys
import time


def family_of(ip):
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def serve(name, ip, port, udp, ready, lifetime):
    fam = family_of(ip)
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ip, port))
    if not udp:
        s.listen(64)
    if ready:
        with open(ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(ready + ".tmp", ready)
    end = time.monotonic() + lifetime
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return 0
        r, _, _ = select.select([s], [], [], min(left, 1.0))
        if not r:
            continue
        if udp:
            try:
                _, peer = s.recvfrom(2048)
                s.sendto(("%s %s\n" % (name, peer[0])).encode(), peer)
            except OSError:
                pass
            continue
        try:
            c, peer = s.accept()
        except OSError:
            continue
        try:
            c.settimeout(1.0)
            c.sendall(("%s %s\n" % (name, peer[0])).encode())
            c.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            c.close()


def probe(ip, port, udp, timeout):
    fam = family_of(ip)
    end = time.monotonic() + timeout
    s = socket.socket(fam, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        # connect() on UDP too, so an ICMP port unreachable (REJECT)
        # shows as ECONNREFUSED on the recv.
        s.connect((ip, port))
        if udp:
            s.send(b"probe\n")
        data = b""
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            s.settimeout(left)
            chunk = s.recv(4096)
            data += chunk
            if udp or not chunk or len(data) > 4096:
                break
        print(data.decode(errors="replace").strip())
        return 0
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")
    except OSError as e:
        if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            print("unreachable")
        else:
            print("error: %s" % errno.errorcode.get(e.errno, e.errno))
    finally:
        s.close()
    return 1


def main(argv):
    opts = {}
    args = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--ready", "--lifetime", "--timeout") and i + 1 < len(argv):
            opts[argv[i]] = argv[i + 1]
            i += 2
            continue
        args.append(argv[i])
        i += 1
    udp = len(args) > 0 and args[-1] == "udp"
    if udp:
        args = args[:-1]
    if len(args) == 4 and args[0] == "serve":
        return serve(args[1], args[2], int(args[3]), udp,
                     opts.get("--ready"), float(opts.get("--lifetime", 600)))
    if len(args) == 3 and args[0] == "probe":
        return probe(args[1], int(args[2]), udp,
                     float(opts.get("--timeout", 2)))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
