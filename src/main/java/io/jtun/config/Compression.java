package io.jtun.config;

/** Whether frames are compressed before encryption ({@code Compression = ...}). */
public enum Compression {
    /** Frames travel as they are (the default: compression leaks content through lengths). */
    NONE("none"),
    /** LZ4 block compression, per frame, used only where the frame shrinks. */
    LZ4("lz4");

    private final String configName;

    Compression(String configName) {
        this.configName = configName;
    }

    /** The value as written in a configuration file. */
    public String configName() {
        return configName;
    }

    @Override
    public String toString() {
        return configName;
    }
}
