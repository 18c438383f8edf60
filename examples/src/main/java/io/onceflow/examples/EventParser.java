package io.onceflow.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads {@code user}, {@code amount} and {@code ts} from a workload value with Jackson's streaming
 * parser: no tree, no binding, and the result lands in this reusable holder rather than a new
 * object per record.
 *
 * <p>The whole value is read, not just up to the fields we need: a torn value that begins with a
 * valid user and amount must still be rejected, or a record the producer never completed would be
 * counted. Other fields are skipped; a missing {@code ts} is allowed ({@link #hasTs()}).
 *
 * <p><b>Fast path.</b> Most values are flat objects of ASCII strings and integers, like the
 * workload's. {@link FlatJson} reads those straight from the bytes (several times Jackson's
 * speed, no objects per record); the user is then available as bytes ({@link #userBytes()}, what
 * AggJob aggregates on) or as a {@code String} from a {@link UserNames} cache, so a recurring
 * user costs no new {@code String}. Anything it is not sure of (escapes, non-ASCII, floats,
 * nesting, odd spacing or syntax) goes to the Jackson path below, which decides; so both paths
 * accept and reject exactly the same values.
 *
 * <p>Confined to one thread (each job instance is; see {@code Job}).
 */
final class EventParser {

  /** Thread-safe and expensive to build: one per JVM. */
  private static final JsonFactory JSON = new JsonFactory();

  private final FlatJson fast = new FlatJson();
  private final UserNames users = new UserNames();

  private String user;
  private byte[] userBytes;
  private long amount;
  private long ts;
  private boolean hasAmount;
  private boolean hasTs;

  /** Parses {@code value} into this holder, or throws why it is not an event. */
  void parse(byte[] value) {
    if (value == null) {
      throw new InvalidEventException("record has no value");
    }
    if (fast.parse(value)) {
      user = null; // made on demand by user(); a job that takes userBytes() needs none
      userBytes = value;
      amount = fast.amount();
      hasAmount = true;
      hasTs = fast.hasTs();
      ts = fast.ts();
      return;
    }
    user = null;
    userBytes = null;
    hasAmount = false;
    hasTs = false;
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidEventException("value is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        switch (field) {
          case "user":
            user = requireText(parser, token);
            break;
          case "amount":
            amount = requireLong(parser, token, field);
            hasAmount = true;
            break;
          case "ts":
            ts = requireLong(parser, token, field);
            hasTs = true;
            break;
          default:
            parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new InvalidEventException("unexpected content after the JSON object");
      }
    } catch (IOException e) {
      throw new InvalidEventException("value is not valid JSON: " + e.getMessage(), e);
    }
    if (user == null) {
      throw new InvalidEventException("value has no \"user\"");
    }
    if (!hasAmount) {
      throw new InvalidEventException("value has no \"amount\"");
    }
  }

  String user() {
    if (user == null && userBytes != null) {
      user = fast.user(users);
    }
    return user;
  }

  /**
   * The value whose bytes {@code [userFrom(), userTo())} are the user (ASCII, no control
   * characters) when the last value took the fast path; null when it took Jackson's (then use
   * {@link #user()}).
   */
  byte[] userBytes() {
    return userBytes;
  }

  int userFrom() {
    return fast.userFrom();
  }

  int userTo() {
    return fast.userTo();
  }

  long amount() {
    return amount;
  }

  boolean hasTs() {
    return hasTs;
  }

  long ts() {
    return ts;
  }

  private static String requireText(JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new InvalidEventException("\"user\" must be a string, was " + token);
    }
    String text = parser.getText();
    // PostgreSQL text cannot hold NUL, and pgjdbc would turn a lone surrogate into '?':
    // refuse here so one record is dead-lettered instead of the whole task's write failing.
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw new InvalidEventException("\"user\" contains a NUL character");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          throw new InvalidEventException("\"user\" contains an unpaired surrogate");
        }
      }
    }
    return text;
  }

  private static long requireLong(JsonParser parser, JsonToken token, String field)
      throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidEventException("\"" + field + "\" must be an integer, was " + token);
    }
    return parser.getLongValue();
  }
}
