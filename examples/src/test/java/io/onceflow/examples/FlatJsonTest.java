package io.onceflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlatJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsEveryWorkloadValue() {
    FlatJson fast = new FlatJson();
    UserNames names = new UserNames();
    Workload w = Workload.standard();
    for (long i = 0; i < 20_000; i += 7) {
      assertTrue(fast.parse(w.value(i)), "record " + i);
      assertEquals(w.user(i), fast.user(names));
      assertEquals(Workload.amount(i), fast.amount());
      assertTrue(fast.hasTs());
      assertEquals(Workload.ts(i), fast.ts());
    }
  }

  @Test
  void leavesTornWorkloadValuesToJackson() {
    FlatJson fast = new FlatJson();
    Workload w = Workload.standard();
    for (long i = 0; i < 1_000; i++) {
      assertFalse(fast.parse(w.malformedValue(i)));
    }
  }

  @Test
  void acceptsOnlyWhatJacksonAcceptsWithTheSameFields() throws Exception {
    List<String> values =
        List.of(
            "{\"user\":\"u1\",\"amount\":5}",
            " {\"user\" : \"u1\" ,\n\"amount\":-5 , \"ts\":12}\r\n",
            "{\"user\":\"\",\"amount\":0}",
            "{\"user\":\"u1\",\"amount\":-0}",
            "{\"user\":\"a\",\"user\":\"b\",\"amount\":1,\"amount\":2}",
            "{\"x\":1,\"y\":\"z\",\"user\":\"u\",\"amount\":3}",
            "{\"user\":\"u1\",\"amount\":05}",
            "{\"user\":\"u1\",\"amount\":5.0}",
            "{\"user\":\"u1\",\"amount\":5e2}",
            "{\"user\":\"u1\",\"amount\":\"5\"}",
            "{\"user\":1,\"amount\":5}",
            "{\"user\":\"u1\",\"amount\":5,\"ts\":\"x\"}",
            "{\"user\":\"u\\u0031\",\"amount\":5}",
            "{\"us\\u0065r\":\"u1\",\"amount\":5}",
            "{\"user\":\"u1\",\"amount\":5,\"n\":null}",
            "{\"user\":\"u1\",\"amount\":5,\"o\":{}}",
            "{\"user\":\"u1\",\"amount\":5,}",
            "{\"user\":\"u1\",\"amount\":5}x",
            "{\"user\":\"u1\",\"amount\":5}}",
            "{\"user\":\"u1\" \"amount\":5}",
            "{\"user\":\"u1\",\"amount\":1234567890123456789}",
            "{\"user\":\"u1\",\"amount\":123456789012345678}",
            "{\"user\":\"ü\",\"amount\":5}",
            "{\"user\":\"u1\"}",
            "{\"amount\":1}",
            "{}",
            "[]",
            "",
            "{\"user\":\"u1\",\"amount\":-}",
            "{\"user\":\"u1\",\"amount\":5");
    FlatJson fast = new FlatJson();
    UserNames names = new UserNames();
    for (String text : values) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (!fast.parse(bytes)) {
        continue; // Jackson decides: nothing to compare
      }
      JsonNode tree = JSON.readTree(bytes);
      assertEquals(tree.get("user").asText(), fast.user(names), text);
      assertTrue(tree.get("amount").canConvertToLong(), text);
      assertEquals(tree.get("amount").asLong(), fast.amount(), text);
      assertEquals(tree.has("ts"), fast.hasTs(), text);
    }
  }

  @Test
  void userNamesAreCachedAndExact() {
    UserNames names = new UserNames();
    byte[] a = "{\"u123\"}".getBytes(StandardCharsets.US_ASCII);
    String first = names.get(a, 2, 6);
    assertEquals("u123", first);
    assertSame(first, names.get(a.clone(), 2, 6));
    assertEquals("u12", names.get(a, 2, 5));
  }
}
