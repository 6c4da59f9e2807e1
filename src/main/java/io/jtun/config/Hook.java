package io.jtun.config;

/** The wg-quick shell hooks, run around bringing the interface up and down. */
public enum Hook {
    PRE_UP(ConfigKey.PRE_UP),
    POST_UP(ConfigKey.POST_UP),
    PRE_DOWN(ConfigKey.PRE_DOWN),
    POST_DOWN(ConfigKey.POST_DOWN);

    private final ConfigKey key;

    Hook(ConfigKey key) {
        this.key = key;
    }

    /** The key that sets this hook, e.g. {@link ConfigKey#POST_UP} for {@code PostUp}. */
    public ConfigKey key() {
        return key;
    }

    static Hook of(ConfigKey key) {
        for (Hook hook : values()) {
            if (hook.key == key) {
                return hook;
            }
        }
        throw new IllegalArgumentException(key + " is not a hook");
    }
}
