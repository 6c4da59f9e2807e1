package io.jtun.netlink;

import io.jtun.sys.Libc;
import java.util.OptionalInt;

/**
 * A policy routing rule that sends matching packets to a routing table (FR_ACT_TO_TBL), the kind
 * {@code ip rule} manages, reduced to the selectors jtun uses: the firewall mark and the
 * suppression of short-prefix results. wg-quick's default-route setup needs exactly two:
 * <pre>
 *   ip -4 rule add not fwmark 51820 table 51820        {@link #notFwmark}(AF_INET, 51820, 51820)
 *   ip -4 rule add table main suppress_prefixlength 0  {@link #suppressPrefixLength}(AF_INET, 254, 0)
 * </pre>
 *
 * @param family {@link Libc#AF_INET} or {@link Libc#AF_INET6}: IPv4 and IPv6 have separate rule lists
 * @param priority the rule's preference (lower is consulted first); empty when adding means "let the
 *     kernel choose" (just above the main rule, as {@code ip rule add} without {@code priority}) and,
 *     when removing or comparing, "any"
 * @param table the table looked up, 1-4294967295 as unsigned 32 bits (254 is main)
 * @param fwmark the firewall mark to match, unsigned; 0 with {@code fwmask} 0 matches every mark
 * @param fwmask which bits of the mark are compared; a non-zero {@code fwmark} with mask 0 is read as
 *     mask 0xffffffff, as the kernel does, so that records compare equal to what the kernel reports
 * @param invert {@code not}: the rule applies to packets the selectors do <em>not</em> match
 *     (FIB_RULE_INVERT)
 * @param suppressPrefixLength ignore a lookup result whose prefix is this long or shorter, so that
 *     e.g. 0 ignores the default route of the table; empty when not set
 */
public record RouteRule(int family, OptionalInt priority, int table, int fwmark, int fwmask, boolean invert,
        OptionalInt suppressPrefixLength) {

    public RouteRule {
        if (family != Libc.AF_INET && family != Libc.AF_INET6) {
            throw new IllegalArgumentException("a rule's family is AF_INET or AF_INET6, not " + family);
        }
        if (priority == null) {
            priority = OptionalInt.empty();
        }
        if (table == 0) {
            throw new IllegalArgumentException("table 0 is not a routing table");
        }
        if (fwmark != 0 && fwmask == 0) {
            fwmask = 0xffff_ffff;
        }
        if (suppressPrefixLength == null) {
            suppressPrefixLength = OptionalInt.empty();
        }
        if (suppressPrefixLength.isPresent()
                && (suppressPrefixLength.getAsInt() < 0 || suppressPrefixLength.getAsInt() > maxPrefix(family))) {
            throw new IllegalArgumentException("suppress_prefixlength " + suppressPrefixLength.getAsInt()
                    + " is out of range 0-" + maxPrefix(family));
        }
    }

    /** {@code ip rule add [not] lookup TABLE}: every packet (or, inverted, none) to {@code table}. */
    public static RouteRule lookup(int family, int table) {
        return new RouteRule(family, OptionalInt.empty(), table, 0, 0, false, OptionalInt.empty());
    }

    /** {@code ip rule add not fwmark MARK table TABLE}: packets without the mark go to {@code table}. */
    public static RouteRule notFwmark(int family, int fwmark, int table) {
        return new RouteRule(family, OptionalInt.empty(), table, fwmark, 0xffff_ffff, true, OptionalInt.empty());
    }

    /**
     * {@code ip rule add table TABLE suppress_prefixlength LENGTH}: look in {@code table} but ignore
     * routes of {@code length} bits or fewer (0: everything but the default route).
     */
    public static RouteRule suppressPrefixLength(int family, int table, int length) {
        return new RouteRule(family, OptionalInt.empty(), table, 0, 0, false, OptionalInt.of(length));
    }

    /** The same rule at {@code priority}. */
    public RouteRule withPriority(int priority) {
        return new RouteRule(family, OptionalInt.of(priority), table, fwmark, fwmask, invert, suppressPrefixLength);
    }

    /** The same rule with the priority left to the kernel (adding) or open (removing, comparing). */
    public RouteRule withoutPriority() {
        return new RouteRule(family, OptionalInt.empty(), table, fwmark, fwmask, invert, suppressPrefixLength);
    }

    public boolean isIpv6() {
        return family == Libc.AF_INET6;
    }

    /**
     * True when {@code installed} is this rule: the same in every field, and at this rule's priority
     * if it has one.
     */
    public boolean matches(RouteRule installed) {
        return family == installed.family && table == installed.table && fwmark == installed.fwmark
                && fwmask == installed.fwmask && invert == installed.invert
                && suppressPrefixLength.equals(installed.suppressPrefixLength)
                && (priority.isEmpty() || priority.equals(installed.priority));
    }

    /**
     * In the words of {@code ip rule add}, for messages: "-4 priority 32765 not fwmark 0xca6c lookup 51820".
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(isIpv6() ? "-6 " : "-4 ");
        priority.ifPresent(p -> text.append("priority ").append(Integer.toUnsignedString(p)).append(' '));
        if (invert) {
            text.append("not ");
        }
        if (fwmark != 0 || fwmask != 0) {
            text.append("fwmark 0x").append(Integer.toHexString(fwmark));
            if (fwmask != 0xffff_ffff) {
                text.append("/0x").append(Integer.toHexString(fwmask));
            }
            text.append(' ');
        }
        text.append("lookup ").append(tableName(table));
        suppressPrefixLength.ifPresent(length -> text.append(" suppress_prefixlength ").append(length));
        return text.toString();
    }

    /** "main", "local", "default" or the number. */
    static String tableName(int table) {
        return switch (table) {
            case NetlinkConstants.RT_TABLE_MAIN -> "main";
            case NetlinkConstants.RT_TABLE_LOCAL -> "local";
            case NetlinkConstants.RT_TABLE_DEFAULT -> "default";
            default -> Integer.toUnsignedString(table);
        };
    }

    private static int maxPrefix(int family) {
        return family == Libc.AF_INET6 ? 128 : 32;
    }
}
