package io.jtun.netlink;

import static io.jtun.netlink.NetlinkConstants.NLA_HDRLEN;
import static io.jtun.netlink.NetlinkConstants.NLA_TYPE_MASK;
import static io.jtun.netlink.NetlinkConstants.align;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The rtattr list of one message, by type; when a type repeats the last one wins, as in the kernel. */
final class NetlinkAttributes {
    private final Map<Integer, MemorySegment> values;

    private NetlinkAttributes(Map<Integer, MemorySegment> values) {
        this.values = values;
    }

    static NetlinkAttributes parse(MemorySegment region) {
        Map<Integer, MemorySegment> values = new HashMap<>();
        long offset = 0;
        long size = region.byteSize();
        while (size - offset >= NLA_HDRLEN) {
            int length = Short.toUnsignedInt(region.get(JAVA_SHORT_UNALIGNED, offset));
            int type = Short.toUnsignedInt(region.get(JAVA_SHORT_UNALIGNED, offset + 2)) & NLA_TYPE_MASK;
            if (length < NLA_HDRLEN || length > size - offset) {
                throw NetlinkMessage.malformed("attribute length " + length + " at offset " + offset + " of "
                        + size + " attribute bytes");
            }
            values.put(type, region.asSlice(offset + NLA_HDRLEN, length - NLA_HDRLEN));
            offset += align(length);
        }
        return new NetlinkAttributes(values);
    }

    /** The attribute types present. */
    Set<Integer> types() {
        return Set.copyOf(values.keySet());
    }

    Optional<MemorySegment> get(int type) {
        return Optional.ofNullable(values.get(type));
    }

    Optional<byte[]> bytes(int type) {
        return get(type).map(v -> v.toArray(JAVA_BYTE));
    }

    Optional<Integer> u32(int type) {
        return get(type).filter(v -> v.byteSize() >= 4).map(v -> v.get(JAVA_INT_UNALIGNED, 0));
    }

    /** A C string attribute, without its NUL (and anything after it). */
    Optional<String> string(int type) {
        return get(type).map(v -> {
            byte[] raw = v.toArray(JAVA_BYTE);
            int end = 0;
            while (end < raw.length && raw[end] != 0) {
                end++;
            }
            return new String(raw, 0, end, StandardCharsets.UTF_8);
        });
    }
}
