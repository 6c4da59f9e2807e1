package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jtun.net.IpPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerTableTest {
    private static IpPrefix prefix(String text) {
        return IpPrefix.parse(text);
    }

    /** Identity maps compare their values by identity too: compare by label and list contents. */
    private static Map<String, List<IpPrefix>> byLabel(Map<Peer, List<IpPrefix>> byPeer) {
        Map<String, List<IpPrefix>> out = new java.util.HashMap<>();
        byPeer.forEach((peer, ranges) -> out.put(peer.label(), ranges));
        return out;
    }

    @Test
    void allowedIpsByPeerMatchesAskingPeerByPeer() {
        PeerTable table = new PeerTable();
        Peer a = new Peer("a", null);
        Peer b = new Peer("b", null);
        Peer empty = new Peer("empty", null);
        table.add(a, List.of(prefix("10.0.0.0/24"), prefix("fd00::/64"), prefix("10.9.0.1/32")));
        table.add(b, List.of(prefix("10.0.1.0/24"), prefix("10.0.0.0/24"))); // takes 10.0.0.0/24 from a
        table.add(empty, List.of());

        Map<Peer, List<IpPrefix>> all = table.allowedIpsByPeer();
        assertEquals(table.allowedIps(a), all.get(a));
        assertEquals(table.allowedIps(b), all.get(b));
        assertEquals(List.of(prefix("10.9.0.1/32"), prefix("fd00::/64")), all.get(a));
        assertEquals(List.of(prefix("10.0.0.0/24"), prefix("10.0.1.0/24")), all.get(b));
        assertFalse(all.containsKey(empty), "a peer without ranges has no entry");
    }

    @Test
    void replacingKeepsWhatStaysMovesWhatAnotherPeerTakesAndRoutesFollow() {
        PeerTable table = new PeerTable();
        Peer a = new Peer("a", null);
        Peer b = new Peer("b", null);
        table.add(a, List.of(prefix("10.0.0.0/24"), prefix("10.1.0.0/16"), prefix("fd00::/64")));
        table.add(b, List.of(prefix("10.2.0.0/16")));

        table.setAllowedIps(a, List.of(prefix("10.0.0.0/24"), prefix("10.3.0.7/24")), true);
        assertEquals(List.of(prefix("10.0.0.0/24"), prefix("10.3.0.0/24")), table.allowedIps(a));
        assertEquals(a, table.routes().lookup(prefix("10.3.0.9/32").address()));
        assertEquals(null, table.routes().lookup(prefix("10.1.2.3/32").address()), "a dropped range routes nowhere");
        assertEquals(null, table.routes().lookup(prefix("fd00::1/128").address()));

        table.setAllowedIps(b, List.of(prefix("10.0.0.0/24")), false); // b takes a's range
        assertEquals(List.of(prefix("10.3.0.0/24")), table.allowedIps(a));
        assertEquals(List.of(prefix("10.0.0.0/24"), prefix("10.2.0.0/16")), table.allowedIps(b));
        assertEquals(b, table.routes().lookup(prefix("10.0.0.1/32").address()));

        table.removeAllowedIp(a, prefix("10.0.0.0/24")); // no longer a's: b keeps it
        assertEquals(b, table.routes().lookup(prefix("10.0.0.1/32").address()));

        table.remove(b);
        assertEquals(null, table.routes().lookup(prefix("10.2.0.1/32").address()));
        assertEquals(a, table.routes().lookup(prefix("10.3.0.1/32").address()));
        assertEquals(Map.of("a", List.of(prefix("10.3.0.0/24"))), byLabel(table.allowedIpsByPeer()));
    }

    @Test
    void aThousandPeersReplacedWithTheirOwnRangesStayTheSame() {
        PeerTable table = new PeerTable();
        java.util.List<Peer> peers = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Peer peer = new Peer("p" + i, null);
            peers.add(peer);
            table.add(peer, List.of(prefix("10.%d.%d.0/24".formatted(i / 256, i % 256)),
                    prefix("fd00:%x::/64".formatted(i))));
        }
        Map<Peer, List<IpPrefix>> before = table.allowedIpsByPeer();
        for (Peer peer : peers) {
            table.setAllowedIps(peer, before.get(peer), true);
        }
        assertEquals(byLabel(before), byLabel(table.allowedIpsByPeer()));
        assertEquals(peers.get(700), table.routes().lookup(prefix("10.2.188.5/32").address()));
    }
}
