package io.onceflow.connectors.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyRowEncoderTest {

  private static final List<String> TEXTS =
      List.of("", "u123", "tab\there", "back\\slash", "new\nline\r", "quote \"x\"", "ü 😀 ok", "\u007f");

  @Test
  void utf8BytesAreWrittenExactlyAsTheirString() {
    for (CopyFormat format : CopyFormat.values()) {
      for (String text : TEXTS) {
        byte[] utf8 = ("<<" + text + ">>").getBytes(StandardCharsets.UTF_8);
        CopyRowEncoder fromString = new CopyRowEncoder(format, 4);
        fromString.writeString(text);
        CopyRowEncoder fromBytes = new CopyRowEncoder(format, 4);
        fromBytes.writeUtf8(utf8, 2, utf8.length - 2);
        assertArrayEquals(
            Arrays.copyOf(fromString.buffer(), fromString.size()),
            Arrays.copyOf(fromBytes.buffer(), fromBytes.size()),
            format + " " + text);
      }
    }
  }

  @Test
  void refusesNulAndMalformedUtf8WithoutWritingAnything() {
    CopyRowEncoder e = new CopyRowEncoder(CopyFormat.TEXT, 16);
    e.writeUtf8(new byte[] {'a'}, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> e.writeUtf8(new byte[] {'x', 0, 'y'}, 0, 3));
    assertThrows(
        IllegalArgumentException.class, () -> e.writeUtf8(new byte[] {'x', (byte) 0xC3}, 0, 2));
    assertEquals(1, e.size());
  }
}
