"""A UDP relay that impairs what it forwards: loss, duplication and reordering.

The kernel of the test machine has no netem, so tests put this relay between two tunnel
endpoints: datagrams arriving on LEFT (from the left host) leave from RIGHT towards RIGHT_PEER,
and those arriving on RIGHT leave from LEFT towards LEFT_PEER, so each host sees the relay as its
peer's endpoint.

For each datagram, in each direction on its own seeded random stream (so a run repeats
exactly for the same sequence of datagrams):
  - with probability --loss it is dropped;
  - else with probability --duplicate it is sent twice, one right after the other;
  - with probability --reorder it is held back and sent after the next --gap datagrams of its
    direction (or after --idle seconds without any, so nothing is held for ever).
A duplicate of a held datagram is held with it.

On SIGTERM it prints one line per direction and kind of message (WireGuard's type byte:
4 = data, 1-3 = handshake) and exits:
  stats left>right data received=N dropped=N duplicated=N reordered=N sent=N
"""
import argparse
import random
import select
import signal
import socket
import sys


def address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


class Direction:
    def __init__(self, name, into, out, peer, rng, args):
        self.name, self.into, self.out, self.peer, self.rng, self.args = name, into, out, peer, rng, args
        self.held = None  # (datagrams, datagrams still to pass before they go)
        self.stats = {}

    def count(self, kind, what, n=1):
        counters = self.stats.setdefault(kind, dict.fromkeys(
            ("received", "dropped", "duplicated", "reordered", "sent"), 0))
        counters[what] += n

    def send(self, datagrams):
        for datagram in datagrams:
            try:
                self.out.sendto(datagram, self.peer)
                self.count(kind(datagram), "sent")
            except OSError:
                pass  # the peer's port is closed for a moment (it is restarting): a loss like any other

    def forward(self, datagram):
        k = kind(datagram)
        self.count(k, "received")
        if self.rng.random() < self.args.loss:
            self.count(k, "dropped")
            return
        copies = [datagram]
        if self.rng.random() < self.args.duplicate:
            copies.append(datagram)
            self.count(k, "duplicated")
        if self.held is None and self.rng.random() < self.args.reorder:
            self.held = [copies, self.args.gap]
            self.count(k, "reordered")
            return
        self.send(copies)
        if self.held is not None:
            self.held[1] -= 1
            if self.held[1] == 0:
                self.flush()

    def flush(self):
        if self.held is not None:
            copies, self.held = self.held[0], None
            self.send(copies)


def kind(datagram):
    return "data" if datagram[:1] == b"\x04" else "handshake"


def main():
    parser = argparse.ArgumentParser()
    for name in ("left", "left_peer", "right", "right_peer"):
        parser.add_argument(name, type=address)
    parser.add_argument("--loss", type=float, default=0.0)
    parser.add_argument("--duplicate", type=float, default=0.0)
    parser.add_argument("--reorder", type=float, default=0.0)
    parser.add_argument("--gap", type=int, default=3)
    parser.add_argument("--idle", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    left = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    right = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for s, bound in ((left, args.left), (right, args.right)):
        # Room for bursts: a tunnel sends up to 64 datagrams at once, faster than Python forwards them.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind(bound)
    directions = {
        left: Direction("left>right", left, right, args.right_peer, random.Random(args.seed * 2), args),
        right: Direction("right>left", right, left, args.left_peer, random.Random(args.seed * 2 + 1), args),
    }
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print("relay ready", flush=True)
    while not stopping:
        try:
            readable, _, _ = select.select(list(directions), [], [], args.idle)
        except InterruptedError:
            continue
        if not readable:
            for direction in directions.values():
                direction.flush()
        for s in readable:
            direction = directions[s]
            for _ in range(64):  # what is waiting, then look at the other socket too
                try:
                    datagram = s.recv(65535, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                direction.forward(datagram)
    for direction in directions.values():
        for k, counters in sorted(direction.stats.items()):
            print("stats", direction.name, k, " ".join("%s=%d" % item for item in counters.items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
