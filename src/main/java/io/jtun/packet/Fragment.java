package io.jtun.packet;

/**
 * Fragmentation fields of an IPv4 header or IPv6 fragment header.
 *
 * @param id     identification (16 bits for IPv4, 32 bits for IPv6)
 * @param offset offset of this fragment's data in the original payload, in bytes
 * @param more   the more-fragments flag
 */
record Fragment(long id, int offset, boolean more) {

    /** Only the fragment at offset 0 carries the upper-layer header. */
    boolean isFirst() {
        return offset == 0;
    }

    /** Appends {@code  (frag id 4660, offset 1480, more)}; ", more" only when the flag is set. */
    void note(StringBuilder out) {
        out.append(" (frag id ").append(id).append(", offset ").append(offset);
        if (more) {
            out.append(", more");
        }
        out.append(')');
    }
}
