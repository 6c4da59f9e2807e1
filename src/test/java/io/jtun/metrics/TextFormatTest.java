package io.jtun.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser itself: it must read what a scrape returns, and refuse what it cannot read. */
class TextFormatTest {
    @Test
    void parsesHelpTypeLabelsEscapesAndNumbers() {
        TextFormat.Exposition e = TextFormat.parse("""
                # HELP a_total Some \\\\ help\\nwith a second line.
                # TYPE a_total counter
                a_total{x="1",y="q\\"uo\\\\te\\nnl"} 3.0
                a_total{x="2"} 1.5E10 1700000000000
                # a plain comment
                b NaN
                c{} +Inf
                d -1
                """);
        assertEquals(Map.of("a_total", "counter"), e.types());
        assertEquals("Some \\ help\nwith a second line.", e.helps().get("a_total"));
        assertEquals(3.0, e.value("a_total", "x", "1", "y", "q\"uo\\te\nnl"));
        assertEquals(1.5e10, e.value("a_total", "x", "2"));
        assertTrue(Double.isNaN(e.value("b")));
        assertEquals(Double.POSITIVE_INFINITY, e.value("c"));
        assertEquals(-1, e.value("d"));
        assertEquals(5, e.samples().size());
        assertTrue(e.find("a_total", "x", "3").isEmpty());
    }

    @Test
    void refusesWhatItCannotRead() {
        for (String bad : new String[] {"{x=\"1\"} 1", "a{x=1} 1", "a{x=\"1\"", "a", "a 1 2 3", "a x",
                "a{x=\"\\t\"} 1", "a{x=\"1\",x=\"2\"} 1", "# TYPE a wrong", "# TYPE a gauge\n# TYPE a gauge"}) {
            assertThrows(RuntimeException.class, () -> TextFormat.parse(bad), bad);
        }
    }
}
