package io.jtun.noise;

import java.nio.charset.StandardCharsets;

/**
 * The keys and MACs that guard handshake messages (whitepaper section 5.4.4). MAC1 proves the
 * sender knows the receiver's public key, so a host that does not is ignored without any
 * Curve25519 work; MAC2 proves, when the receiver is under load, that the sender can receive at
 * its source address (it holds a cookie sent there).
 */
final class Macs {
    static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private Macs() {
    }

    /** HASH(LABEL_MAC1 || publicKey): the MAC1 key of messages sent to the owner of publicKey. */
    static byte[] mac1Key(byte[] publicKey) {
        return Blake2s.hash(LABEL_MAC1, publicKey);
    }

    /** HASH(LABEL_COOKIE || publicKey): the key cookies to the owner's peers are encrypted with. */
    static byte[] cookieKey(byte[] publicKey) {
        return Blake2s.hash(LABEL_COOKIE, publicKey);
    }

    /** MAC(key, data[off, off+len)): a 16-byte keyed BLAKE2s, written to out at outOff. */
    static void mac(byte[] key, byte[] data, int off, int len, byte[] out, int outOff) {
        Blake2s b = new Blake2s(Messages.MAC_SIZE, key);
        b.update(data, off, len);
        b.digest(out, outOff);
        b.clear();
    }
}
