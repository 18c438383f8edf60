package io.onceflow.ledger;

import java.util.regex.Pattern;

/** Removes credentials from JDBC URLs before they reach a log line or an error message. */
public final class Urls {
  private static final Pattern QUERY_SECRET =
      Pattern.compile("(?i)((?:password|sslpassword|sslkey)=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

  private Urls() {}

  public static String withoutSecrets(String url) {
    if (url == null) {
      return null;
    }
    String noUserInfo = USER_INFO.matcher(url).replaceFirst("//***@");
    return QUERY_SECRET.matcher(noUserInfo).replaceAll("$1***");
  }
}
