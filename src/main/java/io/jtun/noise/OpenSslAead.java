package io.jtun.noise;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * ChaCha20-Poly1305 as WireGuard uses it (nonce = 4 zero bytes + 64-bit little-endian counter,
 * no associated data), computed by OpenSSL's libcrypto through the FFM API, in place on native
 * memory: the packet is encrypted where it lies in its batch slot, with no copy to a Java array
 * and nothing allocated.
 *
 * <p>Why: the JDK's cipher costs about 0.7 µs per packet before it touches a byte (a new engine
 * and Poly1305 state per {@code Cipher.init}, 2 KB of garbage) and needs heap arrays; libcrypto's
 * AEAD, set up once per thread, takes a few hundred nanoseconds for a full packet. libcrypto is
 * part of every Debian system (libssl3). Where it cannot be loaded, or with {@code
 * JTUN_CRYPTO=jdk}, {@link #forThisThread()} is empty and the data path uses the JDK's cipher
 * ({@link ChaCha20Poly1305}); both produce the same bytes (tested against RFC 8439 and each other).
 *
 * <p>One instance per thread (it holds an EVP_CIPHER_CTX); see {@link #forThisThread()}.
 */
public final class OpenSslAead {
    /** Environment variable: "jdk" forces the JDK cipher. */
    public static final String CRYPTO_ENV = "JTUN_CRYPTO";
    public static final int TAG_SIZE = 16;
    private static final int KEY_SIZE = 32;
    private static final int NONCE_SIZE = 12;
    private static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    private static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The bound functions, or null when libcrypto is not there (or not wanted). */
    private static final Functions FUNCTIONS = Functions.load();
    private static final ThreadLocal<OpenSslAead> PER_THREAD = ThreadLocal.withInitial(OpenSslAead::new);

    /** One context per direction, so each keeps its key set between packets. */
    private final MemorySegment sealCtx;
    private final MemorySegment openCtx;
    /**
     * The key array each context was last set up with, compared by identity: each session has
     * its own array (zeroed when the session retires), so no copy of a key is kept here.
     */
    private byte[] sealKey;
    private byte[] openKey;
    private final MemorySegment scratch;
    private final MemorySegment keyScratch;
    private final long keyAddress;
    private final long nonceAddress;
    private final long lengthAddress;
    private final long cipher;

    private record Functions(MethodHandle cipher, MethodHandle ctxNew, MethodHandle ctxFree, MethodHandle encryptInit,
            MethodHandle encryptUpdate, MethodHandle encryptFinal, MethodHandle decryptInit,
            MethodHandle decryptUpdate, MethodHandle decryptFinal, MethodHandle ctrl) {
        static Functions load() {
            if ("jdk".equalsIgnoreCase(System.getenv(CRYPTO_ENV))) {
                return null;
            }
            try {
                SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
                Linker linker = Linker.nativeLinker();
                // Short, non-blocking calls: "critical" skips the thread-state transitions.
                Linker.Option critical = Linker.Option.critical(false);
                FunctionDescriptor init = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                        JAVA_LONG);
                FunctionDescriptor update = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                        JAVA_LONG, JAVA_INT);
                FunctionDescriptor finish = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
                Functions f = new Functions(
                        linker.downcallHandle(find(crypto, "EVP_chacha20_poly1305"), FunctionDescriptor.of(JAVA_LONG)),
                        linker.downcallHandle(find(crypto, "EVP_CIPHER_CTX_new"), FunctionDescriptor.of(ADDRESS)),
                        linker.downcallHandle(find(crypto, "EVP_CIPHER_CTX_free"), FunctionDescriptor.ofVoid(ADDRESS)),
                        linker.downcallHandle(find(crypto, "EVP_EncryptInit_ex"), init, critical),
                        linker.downcallHandle(find(crypto, "EVP_EncryptUpdate"), update, critical),
                        linker.downcallHandle(find(crypto, "EVP_EncryptFinal_ex"), finish, critical),
                        linker.downcallHandle(find(crypto, "EVP_DecryptInit_ex"), init, critical),
                        linker.downcallHandle(find(crypto, "EVP_DecryptUpdate"), update, critical),
                        linker.downcallHandle(find(crypto, "EVP_DecryptFinal_ex"), finish, critical),
                        linker.downcallHandle(find(crypto, "EVP_CIPHER_CTX_ctrl"),
                                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG), critical));
                if ((long) f.cipher.invokeExact() == 0) {
                    return null; // a libcrypto built without ChaCha20-Poly1305
                }
                return f;
            } catch (Throwable e) {
                return null; // no libcrypto.so.3 here: the JDK cipher does the work
            }
        }

        private static MemorySegment find(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new IllegalStateException("libcrypto has no " + name));
        }
    }

    private OpenSslAead() {
        try {
            sealCtx = newContext();
            openCtx = newContext();
            cipher = (long) FUNCTIONS.cipher.invokeExact();
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        scratch = Arena.ofAuto().allocate(KEY_SIZE + NONCE_SIZE + Integer.BYTES + TAG_SIZE, 16);
        keyScratch = scratch.asSlice(0, KEY_SIZE);
        keyAddress = scratch.address();
        nonceAddress = keyAddress + KEY_SIZE;
        lengthAddress = nonceAddress + NONCE_SIZE;
    }

    private static MemorySegment newContext() throws Throwable {
        MemorySegment raw = (MemorySegment) FUNCTIONS.ctxNew.invokeExact();
        if (raw.address() == 0) {
            throw new IllegalStateException("EVP_CIPHER_CTX_new failed");
        }
        // Freed when the thread's instance is collected (threads live as long as their tunnel).
        return raw.reinterpret(Arena.ofAuto(), OpenSslAead::free);
    }

    private static void free(MemorySegment ctx) {
        try {
            FUNCTIONS.ctxFree.invokeExact(ctx);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** This thread's instance, or empty when libcrypto is not available (use the JDK cipher). */
    public static Optional<OpenSslAead> forThisThread() {
        return FUNCTIONS == null ? Optional.empty() : Optional.of(PER_THREAD.get());
    }

    public static boolean available() {
        return FUNCTIONS != null;
    }

    /**
     * Encrypts {@code data[at, at+length)} in place under {@code key} and WireGuard's nonce for
     * {@code counter}, and writes the 16-byte tag right after it.
     */
    public void seal(byte[] key, long counter, MemorySegment data, long at, int length) {
        long address = addressOf(data, at, length + TAG_SIZE);
        long ctx = sealCtx.address();
        try {
            begin(FUNCTIONS.encryptInit, ctx, key, key == sealKey, counter);
            sealKey = key;
            check((int) FUNCTIONS.encryptUpdate.invokeExact(ctx, address, lengthAddress, address, length));
            check((int) FUNCTIONS.encryptFinal.invokeExact(ctx, address + length, lengthAddress));
            check((int) FUNCTIONS.ctrl.invokeExact(ctx, EVP_CTRL_AEAD_GET_TAG, TAG_SIZE, address + length));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Decrypts {@code data[at, at+length)} (ciphertext, then the tag) in place. Returns the
     * plaintext length, or -1 when it does not authenticate (then the bytes are garbage).
     */
    public int open(byte[] key, long counter, MemorySegment data, long at, int length) {
        if (length < TAG_SIZE) {
            return -1;
        }
        int plain = length - TAG_SIZE;
        long address = addressOf(data, at, length);
        long ctx = openCtx.address();
        try {
            begin(FUNCTIONS.decryptInit, ctx, key, key == openKey, counter);
            openKey = key;
            check((int) FUNCTIONS.ctrl.invokeExact(ctx, EVP_CTRL_AEAD_SET_TAG, TAG_SIZE, address + plain));
            check((int) FUNCTIONS.decryptUpdate.invokeExact(ctx, address, lengthAddress, address, plain));
            int ok = (int) FUNCTIONS.decryptFinal.invokeExact(ctx, address + plain, lengthAddress);
            return ok == 1 ? plain : -1;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Overwrites both contexts' key schedules with an all-zero key, so no session key stays in
     * this thread's libcrypto state while it sleeps (the context would otherwise keep the last
     * key until the next packet, however long after its session retired). The next packet sets
     * its key up in full.
     */
    public void forgetKeys() {
        if (sealKey == null && openKey == null) {
            return;
        }
        try {
            keyScratch.fill((byte) 0);
            check((int) FUNCTIONS.encryptInit.invokeExact(sealCtx.address(), cipher, 0L, keyAddress, 0L));
            check((int) FUNCTIONS.decryptInit.invokeExact(openCtx.address(), cipher, 0L, keyAddress, 0L));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        sealKey = null;
        openKey = null;
    }

    /** Whether a context still holds a session key (for tests of {@link #forgetKeys}). */
    boolean holdsKeys() {
        return sealKey != null || openKey != null;
    }

    /**
     * Starts a packet: with a new key the cipher is set up in full; under the key the context
     * already holds only the nonce changes, which is what keeps libcrypto's per-packet cost low.
     */
    private void begin(MethodHandle init, long ctx, byte[] key, boolean sameKey, long counter) throws Throwable {
        setNonce(counter);
        if (sameKey) {
            check((int) init.invokeExact(ctx, 0L, 0L, 0L, nonceAddress));
        } else {
            setKey(key);
            try {
                check((int) init.invokeExact(ctx, cipher, 0L, keyAddress, nonceAddress));
            } finally {
                keyScratch.fill((byte) 0); // the context has its own copy now
            }
        }
    }

    private void setKey(byte[] key) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key has 32 bytes, not " + key.length);
        }
        MemorySegment.copy(key, 0, scratch, ValueLayout.JAVA_BYTE, 0, KEY_SIZE);
    }

    private void setNonce(long counter) {
        scratch.set(ValueLayout.JAVA_INT_UNALIGNED, KEY_SIZE, 0);
        scratch.set(LONG_LE, KEY_SIZE + 4, counter);
    }

    /** The native address of {@code data[at..at+length)}, bounds checked (native memory only). */
    private static long addressOf(MemorySegment data, long at, long length) {
        if (!data.isNative()) {
            throw new IllegalArgumentException("OpenSslAead works on native memory");
        }
        java.util.Objects.checkFromIndexSize(at, length, data.byteSize());
        return data.address() + at;
    }

    private static void check(int result) {
        if (result != 1) {
            throw new IllegalStateException("libcrypto refused a ChaCha20-Poly1305 step");
        }
    }
}
