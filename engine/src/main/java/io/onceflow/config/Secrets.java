package io.onceflow.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which configuration values are secret and masks them. Used by {@link
 * OnceflowConfig#describe()}, {@code toString()} and every configuration error message, so that a
 * start-up log or a stack trace never carries a password.
 *
 * <p>Secret are: keys declared secret ({@code postgres.password}); any key whose name contains one
 * of {@link #SECRET_NAME_PARTS} (Kafka's {@code ssl.key.password}, {@code sasl.jaas.config}, a
 * {@code job.param.api.token} …); and, inside any value that looks like a URL, a {@code password=}
 * parameter or the password of {@code user:password@}.
 */
public final class Secrets {

  /** What a masked value prints as. */
  public static final String MASK = "****";

  /**
   * Name fragments that make a key secret. {@code ssl.key.} covers Kafka's {@code
   * ssl.key.password}; {@code ssl.keystore.key} its PEM private key; {@code passphrase} the OAuth
   * assertion key passphrase.
   */
  public static final List<String> SECRET_NAME_PARTS =
      List.of(
          "password",
          "passphrase",
          "secret",
          "token",
          "credential",
          "sasl.jaas.config",
          "ssl.key.",
          "ssl.keystore.key");

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;][a-z]*password=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?#]*:)[^@/?#]*@");

  private Secrets() {}

  /** True when the value of {@code key} must never be printed. */
  public static boolean isSecretKey(String key) {
    return ConfigKeys.byName(key).map(ConfigKey::isSecret).orElse(false) || containsSecretPart(key);
  }

  /** The value as it may be printed: all of it masked for a secret key, else URLs cleaned. */
  public static String mask(String key, String value) {
    if (value == null) {
      return null;
    }
    return isSecretKey(key) ? MASK : maskUrl(value);
  }

  /**
   * A URL (JDBC or other) with its {@code password=} parameters and the password of a {@code
   * user:password@} part replaced by {@link #MASK}; other text is returned unchanged.
   */
  public static String maskUrl(String text) {
    String masked = PASSWORD_PARAM.matcher(text).replaceAll("$1" + MASK);
    return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
  }

  private static boolean containsSecretPart(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_NAME_PARTS.stream().anyMatch(lower::contains);
  }
}
