package io.jtun.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The routing and rule numbers in {@link NetlinkConstants}, checked against the kernel's UAPI
 * headers where they are installed (linux-libc-dev): the enums are counted as the compiler would.
 */
class NetlinkConstantsTest {
    private static final Path INCLUDE = Path.of("/usr/include/linux");

    @Test
    void fibRulesHeader() throws IOException {
        Map<String, Long> values = header("fib_rules.h");
        assertEquals(values.get("FIB_RULE_INVERT"), (long) NetlinkConstants.FIB_RULE_INVERT);
        assertEquals(values.get("FR_ACT_TO_TBL"), (long) NetlinkConstants.FR_ACT_TO_TBL);
        assertEquals(values.get("FRA_DST"), (long) NetlinkConstants.FRA_DST);
        assertEquals(values.get("FRA_SRC"), (long) NetlinkConstants.FRA_SRC);
        assertEquals(values.get("FRA_PRIORITY"), (long) NetlinkConstants.FRA_PRIORITY);
        assertEquals(values.get("FRA_FWMARK"), (long) NetlinkConstants.FRA_FWMARK);
        assertEquals(values.get("FRA_SUPPRESS_IFGROUP"), (long) NetlinkConstants.FRA_SUPPRESS_IFGROUP);
        assertEquals(values.get("FRA_SUPPRESS_PREFIXLEN"), (long) NetlinkConstants.FRA_SUPPRESS_PREFIXLEN);
        assertEquals(values.get("FRA_TABLE"), (long) NetlinkConstants.FRA_TABLE);
        assertEquals(values.get("FRA_FWMASK"), (long) NetlinkConstants.FRA_FWMASK);
        assertEquals(values.get("FRA_PAD"), (long) NetlinkConstants.FRA_PAD);
        assertEquals(values.get("FRA_PROTOCOL"), (long) NetlinkConstants.FRA_PROTOCOL);
    }

    @Test
    void rtnetlinkHeader() throws IOException {
        Map<String, Long> values = header("rtnetlink.h");
        assertEquals(values.get("RTM_NEWROUTE"), (long) NetlinkConstants.RTM_NEWROUTE);
        assertEquals(values.get("RTM_DELROUTE"), (long) NetlinkConstants.RTM_DELROUTE);
        assertEquals(values.get("RTM_GETROUTE"), (long) NetlinkConstants.RTM_GETROUTE);
        assertEquals(values.get("RTM_NEWRULE"), (long) NetlinkConstants.RTM_NEWRULE);
        assertEquals(values.get("RTM_DELRULE"), (long) NetlinkConstants.RTM_DELRULE);
        assertEquals(values.get("RTM_GETRULE"), (long) NetlinkConstants.RTM_GETRULE);
        assertEquals(values.get("RTA_DST"), (long) NetlinkConstants.RTA_DST);
        assertEquals(values.get("RTA_OIF"), (long) NetlinkConstants.RTA_OIF);
        assertEquals(values.get("RTA_METRICS"), (long) NetlinkConstants.RTA_METRICS);
        assertEquals(values.get("RTA_MULTIPATH"), (long) NetlinkConstants.RTA_MULTIPATH);
        assertEquals(values.get("RTA_TABLE"), (long) NetlinkConstants.RTA_TABLE);
        assertEquals(values.get("RTAX_MTU"), (long) NetlinkConstants.RTAX_MTU);
        assertEquals(values.get("RT_TABLE_UNSPEC"), (long) NetlinkConstants.RT_TABLE_UNSPEC);
        assertEquals(values.get("RT_TABLE_DEFAULT"), (long) NetlinkConstants.RT_TABLE_DEFAULT);
        assertEquals(values.get("RT_TABLE_MAIN"), (long) NetlinkConstants.RT_TABLE_MAIN);
        assertEquals(values.get("RT_TABLE_LOCAL"), (long) NetlinkConstants.RT_TABLE_LOCAL);
        assertEquals(values.get("RTN_UNICAST"), (long) NetlinkConstants.RTN_UNICAST);
        assertEquals(values.get("RTPROT_STATIC"), (long) NetlinkConstants.RTPROT_STATIC);
        assertEquals(values.get("RT_SCOPE_LINK"), (long) NetlinkConstants.RT_SCOPE_LINK);
    }

    /** The #define'd numbers and the enumerators of a header, by name. */
    private static Map<String, Long> header(String name) throws IOException {
        Path file = INCLUDE.resolve(name);
        Assumptions.assumeTrue(Files.isReadable(file), file + " is not installed (linux-libc-dev)");
        String text = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
        Map<String, Long> values = new HashMap<>();
        Matcher define = Pattern.compile("(?m)^#define\\s+(\\w+)\\s+(0x[0-9a-fA-F]+|\\d+)\\s*$").matcher(text);
        while (define.find()) {
            values.put(define.group(1), Long.decode(define.group(2)));
        }
        Matcher enumeration = Pattern.compile("(?s)enum\\s*\\w*\\s*\\{(.*?)\\};").matcher(text);
        while (enumeration.find()) {
            String body = enumeration.group(1).replaceAll("(?m)^\\s*#.*$", "");
            long next = 0;
            for (String item : body.split(",")) {
                String entry = item.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                String[] parts = entry.split("=", 2);
                String enumerator = parts[0].strip();
                if (parts.length == 2) {
                    String value = parts[1].strip();
                    if (!value.matches("0x[0-9a-fA-F]+|\\d+")) {
                        break; // an expression (e.g. __FRA_MAX - 1): the rest is not needed
                    }
                    next = Long.decode(value);
                }
                values.putIfAbsent(enumerator, next);
                next++;
            }
        }
        return values;
    }
}
