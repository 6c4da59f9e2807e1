package io.jtun.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtun.ExitCode;
import io.jtun.JtunException;
import org.junit.jupiter.api.Test;

class InterfaceNameTest {
    @Test
    void acceptsOrdinaryNamesAndTemplates() {
        assertEquals("tun0", InterfaceName.validate("tun0"));
        assertEquals("wg-office_1.2", InterfaceName.validate("wg-office_1.2"));
        assertEquals("tun%d", InterfaceName.validate("tun%d"));
        assertEquals("a23456789012345", InterfaceName.validate("a23456789012345"));
        assertTrue(InterfaceName.isTemplate("tap%d"));
    }

    @Test
    void rejectsWhatTheKernelRejectsWithTheReason() {
        assertProblem("a234567890123456", "is 16 bytes long; Linux allows at most 15");
        assertProblem("", "is empty");
        assertProblem("tun/0", "contains '/'");
        assertProblem("tun 0", "contains '\\u0020'");
        assertProblem("tun:0", "contains ':'");
        assertProblem("..", "is reserved");
        assertProblem("tun%s", "single %d template");
        assertProblem("t%d%d", "single %d template");
        // Multi-byte characters count in bytes, as the kernel counts them.
        assertProblem("ééééééééé", "is 18 bytes long");
    }

    private static void assertProblem(String name, String expected) {
        JtunException e = assertThrows(JtunException.class, () -> InterfaceName.validate(name));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
