package io.jtun.conn;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * An underlay that keeps what is sent instead of sending it, and never receives: for tests that
 * drive a codec's inbound side themselves and look at its answers (handshake responses, packets
 * a hub passes on). No socket, so {@link #fd()} is -1.
 */
public final class RecordingTransport implements Transport {
    private final List<byte[]> sent = new ArrayList<>();
    private final TransportCounters counters = new TransportCounters();

    /** The datagrams sent so far, oldest first, and forgets them. */
    public List<byte[]> takeSent() {
        List<byte[]> taken = List.copyOf(sent);
        sent.clear();
        return taken;
    }

    @Override
    public int receive(PacketBatch batch) {
        batch.setCount(0);
        return 0;
    }

    @Override
    public int send(PacketBatch batch, int first) {
        for (int i = first; i < batch.count(); i++) {
            sent.add(batch.data().asSlice(batch.payloadStart(i), batch.length(i)).toArray(ValueLayout.JAVA_BYTE));
        }
        return batch.count() - first;
    }

    @Override
    public int fd() {
        return -1;
    }

    @Override
    public int maxPayload() {
        return 65507;
    }

    @Override
    public TransportCounters counters() {
        return counters;
    }

    @Override
    public void close() {
    }
}
