package io.jtun.device;

import io.jtun.net.IpPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cryptokey routing table: maps address ranges to the peer that owns them, longest prefix wins.
 *
 * <p>One binary trie per address family, one level per address bit, so a lookup costs at most 32
 * (IPv4) or 128 (IPv6) steps whatever the number of peers, and allocates nothing: it reads the
 * address straight out of the packet buffer. Writers (configuration changes) and readers (the
 * data path) are separated by publishing a fresh root after each change: readers see either the
 * old table or the new one, never a half-built one.
 *
 * @param <T> what a range maps to (a peer)
 */
public final class AllowedIps<T> {
    private static final int IPV4_BITS = 32;
    private static final int IPV6_BITS = 128;

    private static final class Node<T> {
        Node<T> zero;
        Node<T> one;
        T value;
    }

    private static final ValueLayout.OfInt INT_BE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private volatile Node<T> ipv4 = new Node<>();
    private volatile Node<T> ipv6 = new Node<>();

    /** Routes {@code prefix} to {@code value}, replacing whoever had exactly that range. */
    public synchronized void insert(IpPrefix prefix, T value) {
        Node<T> root = insert(prefix.isIpv6() ? ipv6 : ipv4, prefix.address(), prefix.prefixLength(), 0, value);
        publish(prefix.isIpv6(), root);
    }

    /**
     * Path copying: only the nodes on the way to the range are copied, the rest is shared with
     * the published trie, so an insert costs O(prefix length) however large the table is.
     */
    private static <T> Node<T> insert(Node<T> node, byte[] address, int length, int bit, T value) {
        Node<T> copy = shallowCopy(node);
        if (bit == length) {
            copy.value = value;
        } else if (bitAt(address, bit)) {
            copy.one = insert(copy.one, address, length, bit + 1, value);
        } else {
            copy.zero = insert(copy.zero, address, length, bit + 1, value);
        }
        return copy;
    }

    private static <T> Node<T> shallowCopy(Node<T> node) {
        Node<T> copy = new Node<>();
        if (node != null) {
            copy.value = node.value;
            copy.zero = node.zero;
            copy.one = node.one;
        }
        return copy;
    }

    /** Who has exactly this range (not a longest-prefix match), or null. */
    public synchronized T exact(IpPrefix prefix) {
        Node<T> node = prefix.isIpv6() ? ipv6 : ipv4;
        byte[] address = prefix.address();
        for (int bit = 0; bit < prefix.prefixLength() && node != null; bit++) {
            node = bitAt(address, bit) ? node.one : node.zero;
        }
        return node == null ? null : node.value;
    }

    /**
     * Removes exactly this range (the routes inside or around it stay), in O(prefix length):
     * the path is copied without it, and nodes left holding nothing are dropped.
     */
    public synchronized void remove(IpPrefix prefix) {
        T owner = exact(prefix);
        if (owner != null) {
            publish(prefix.isIpv6(), remove(prefix.isIpv6() ? ipv6 : ipv4, prefix.address(), prefix.prefixLength(), 0));
        }
    }

    private static <T> Node<T> remove(Node<T> node, byte[] address, int length, int bit) {
        if (node == null) {
            return null;
        }
        Node<T> copy = shallowCopy(node);
        if (bit == length) {
            copy.value = null;
        } else if (bitAt(address, bit)) {
            copy.one = remove(copy.one, address, length, bit + 1);
        } else {
            copy.zero = remove(copy.zero, address, length, bit + 1);
        }
        return copy.value == null && copy.zero == null && copy.one == null ? null : copy;
    }

    /** The value whose range holds the IPv4 address at {@code segment[offset..offset+4)}, or null. */
    public T lookupIpv4(MemorySegment segment, long offset) {
        return lookup(ipv4, segment, offset, IPV4_BITS);
    }

    /** The value whose range holds the IPv6 address at {@code segment[offset..offset+16)}, or null. */
    public T lookupIpv6(MemorySegment segment, long offset) {
        return lookup(ipv6, segment, offset, IPV6_BITS);
    }

    /**
     * The last answer one thread got, per address family. Consecutive packets mostly belong to
     * one flow (every segment of a super-packet does), so the data path asks for the same address
     * again and again: a hit costs a compare instead of a walk down up to 128 trie levels. An
     * entry is only trusted for the trie it was found in; any change publishes a new trie, so a
     * stale answer is impossible. One per thread; not thread-safe.
     */
    public static final class LookupCache<T> {
        private Node<T> ipv4Root;
        private long ipv4Address;
        private T ipv4Value;
        private Node<T> ipv6Root;
        private long ipv6High;
        private long ipv6Low;
        private T ipv6Value;
    }

    /** {@link #lookupIpv4(MemorySegment, long)} through the thread's cache. */
    public T lookupIpv4(MemorySegment segment, long offset, LookupCache<T> cache) {
        Node<T> root = ipv4;
        long address = segment.get(INT_BE, offset) & 0xffffffffL;
        if (cache.ipv4Root != root || cache.ipv4Address != address) {
            cache.ipv4Value = lookup(root, segment, offset, IPV4_BITS);
            cache.ipv4Address = address;
            cache.ipv4Root = root;
        }
        return cache.ipv4Value;
    }

    /** {@link #lookupIpv6(MemorySegment, long)} through the thread's cache. */
    public T lookupIpv6(MemorySegment segment, long offset, LookupCache<T> cache) {
        Node<T> root = ipv6;
        long high = segment.get(LONG_BE, offset);
        long low = segment.get(LONG_BE, offset + Long.BYTES);
        if (cache.ipv6Root != root || cache.ipv6High != high || cache.ipv6Low != low) {
            cache.ipv6Value = lookup(root, segment, offset, IPV6_BITS);
            cache.ipv6High = high;
            cache.ipv6Low = low;
            cache.ipv6Root = root;
        }
        return cache.ipv6Value;
    }

    /** Lookup for a 4- or 16-byte address held in an array (configuration, tests). */
    public T lookup(byte[] address) {
        MemorySegment segment = MemorySegment.ofArray(address);
        return address.length == 4 ? lookupIpv4(segment, 0) : lookupIpv6(segment, 0);
    }

    private static <T> T lookup(Node<T> root, MemorySegment segment, long offset, int bits) {
        Node<T> node = root;
        T best = node.value;
        int current = 0;
        for (int bit = 0; bit < bits; bit++) {
            if ((bit & 7) == 0) {
                current = segment.get(ValueLayout.JAVA_BYTE, offset + (bit >>> 3));
            }
            node = (current & (0x80 >>> (bit & 7))) != 0 ? node.one : node.zero;
            if (node == null) {
                return best;
            }
            if (node.value != null) {
                best = node.value;
            }
        }
        return best;
    }

    /** Every range and its value, IPv4 first, in address order (for display). */
    public synchronized List<Map.Entry<IpPrefix, T>> entries() {
        List<Map.Entry<IpPrefix, T>> out = new ArrayList<>();
        collect(ipv4, new byte[4], 0, out);
        collect(ipv6, new byte[16], 0, out);
        return out;
    }

    private static <T> void collect(Node<T> node, byte[] address, int depth, List<Map.Entry<IpPrefix, T>> out) {
        if (node == null) {
            return;
        }
        if (node.value != null) {
            out.add(Map.entry(new IpPrefix(address.clone(), depth), node.value));
        }
        if (depth == address.length * 8) {
            return;
        }
        collect(node.zero, address, depth + 1, out);
        address[depth >>> 3] |= (byte) (0x80 >>> (depth & 7));
        collect(node.one, address, depth + 1, out);
        address[depth >>> 3] &= (byte) ~(0x80 >>> (depth & 7));
    }

    private static boolean bitAt(byte[] address, int bit) {
        return (address[bit >>> 3] & (0x80 >>> (bit & 7))) != 0;
    }

    private void publish(boolean v6, Node<T> root) {
        Node<T> nonNull = root == null ? new Node<>() : root;
        if (v6) {
            ipv6 = nonNull;
        } else {
            ipv4 = nonNull;
        }
    }
}
