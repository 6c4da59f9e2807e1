package io.jtun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexTableTest {
    @Test
    void behavesLikeAMapUnderManyAddsAndRemoves() {
        Random random = new Random(11);
        IndexTable<String> table = new IndexTable<>(new Random(3));
        Map<Integer, String> model = new HashMap<>();
        for (int round = 0; round < 50_000; round++) {
            if (model.isEmpty() || random.nextInt(3) > 0) {
                String value = "v" + round;
                int index = table.add(value);
                assertNull(model.put(index, value), "indices are unique");
            } else {
                Integer victim = model.keySet().iterator().next();
                table.remove(victim);
                model.remove(victim);
                assertNull(table.get(victim));
            }
            if (round % 1000 == 0) {
                for (Map.Entry<Integer, String> e : model.entrySet()) {
                    assertEquals(e.getValue(), table.get(e.getKey()));
                }
            }
        }
        assertEquals(model.size(), table.size());
    }

    @Test
    void replacePointsAnIndexElsewhere() {
        IndexTable<String> table = new IndexTable<>();
        int index = table.add("handshake");
        table.replace(index, "session");
        assertEquals("session", table.get(index));
        table.remove(index);
        assertNull(table.get(index));
    }
}
