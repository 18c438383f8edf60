package io.onceflow.api;

/** A configuration that cannot be used: the message names the key and says what to do. */
public class ConfigException extends OnceflowException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
