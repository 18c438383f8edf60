package io.onceflow.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** JSON for the API and for data embedded in the status page. */
final class JsonText {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private JsonText() {}

  static String of(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass().getName(), e);
    }
  }

  static String quote(String text) {
    return of(text);
  }

  /**
   * JSON that is safe inside an HTML {@code <script>} element: {@code <}, {@code >} and {@code &}
   * escaped (they occur only inside strings), so no value can close the element.
   */
  static String forScript(Object value) {
    return of(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }
}
