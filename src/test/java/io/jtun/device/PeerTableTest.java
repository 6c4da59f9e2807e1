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
}
