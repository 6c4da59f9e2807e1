package io.jtun.cli;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import io.jtun.config.DataPathOffload;
import io.jtun.device.Tunnel;
import java.util.EnumSet;
import java.util.List;

/** The --no-offload and --disable-offload options that up and the userspace command share. */
final class OffloadOptions {
    static final String NO_OFFLOAD = "--no-offload";
    static final String DISABLE_OFFLOAD = "--disable-offload";
    static final String HELP = """
              --no-offload       switch every data-path offload off (also JTUN_OFFLOAD=off)
              --disable-offload LIST
                                 switch some off: tso, gro, udp-gso, udp-gro (also
                                 JTUN_DISABLE_OFFLOAD=LIST, or DisableOffload = LIST in the file)
            """;

    private OffloadOptions() {
    }

    /** Records the options for {@link Tunnel#offloadsDisabledOutside()}; a bad list is a usage error. */
    static void apply(Args args) {
        EnumSet<DataPathOffload> disabled = EnumSet.noneOf(DataPathOffload.class);
        if (args.has(NO_OFFLOAD)) {
            disabled.addAll(EnumSet.allOf(DataPathOffload.class));
        }
        String list = args.value(DISABLE_OFFLOAD);
        if (list != null) {
            try {
                disabled.addAll(DataPathOffload.parseList(list));
            } catch (IllegalArgumentException e) {
                throw new JtunException(ExitCode.USAGE, DISABLE_OFFLOAD + ": " + e.getMessage());
            }
        }
        if (!disabled.isEmpty()) {
            System.setProperty(Tunnel.DISABLE_OFFLOAD_PROPERTY, DataPathOffload.format(disabled));
        }
    }

    /** Passes everything switched off outside the file on to the daemon's command line. */
    static void addTo(List<String> child) {
        EnumSet<DataPathOffload> disabled = Tunnel.offloadsDisabledOutside();
        if (!disabled.isEmpty()) {
            child.add(DISABLE_OFFLOAD + "=" + DataPathOffload.format(disabled));
        }
    }
}
