package io.onceflow.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one declaration of a configuration key: name, type, default, validator, doc and whether its
 * value is a secret. Loading, validation, environment overrides, {@code describe()} and the
 * documentation table all read from these declarations, so a key cannot be documented one way and
 * behave another. All keys live in {@link ConfigKeys}.
 *
 * <p>A key is either <em>required</em> (no default: start-up fails without it), <em>optional</em>
 * (absent means "not used"), or has a default, constant or derived from other keys (as {@code
 * postgres.pool.size} is from {@code worker.threads}).
 *
 * @param <T> the Java type of its value
 */
public final class ConfigKey<T> {

  /** Reads the value of another key while a derived default is computed. */
  public interface Lookup {
    <V> V get(ConfigKey<V> key);
  }

  private enum Presence {
    REQUIRED,
    OPTIONAL,
    DEFAULTED
  }

  private final String name;
  private final ConfigType<T> type;
  private final Validator<? super T> validator;
  private final Presence presence;
  private final Function<Lookup, T> defaultValue;
  private final String defaultDescription;
  private final boolean secret;
  private final String doc;

  private ConfigKey(Builder<T> b) {
    this.name = b.name;
    this.type = b.type;
    this.validator = b.validator;
    this.presence = b.presence;
    this.defaultValue = b.defaultValue;
    this.defaultDescription = b.defaultDescription;
    this.secret = b.secret;
    this.doc = Objects.requireNonNull(b.doc, () -> "doc of " + b.name);
  }

  /** Starts the declaration of a key; it is optional until told otherwise. */
  public static <T> Builder<T> key(String name, ConfigType<T> type) {
    return new Builder<>(name, type);
  }

  public String name() {
    return name;
  }

  public ConfigType<T> type() {
    return type;
  }

  public Optional<Validator<? super T>> validator() {
    return Optional.ofNullable(validator);
  }

  /** True when start-up fails without a value. */
  public boolean isRequired() {
    return presence == Presence.REQUIRED;
  }

  /** True when the key has a default, constant or derived. */
  public boolean hasDefault() {
    return presence == Presence.DEFAULTED;
  }

  /** True when the value must never be printed. */
  public boolean isSecret() {
    return secret;
  }

  public String doc() {
    return doc;
  }

  /** The default as the documentation shows it: a value, a formula, "required" or "none". */
  public String defaultDescription() {
    return switch (presence) {
      case REQUIRED -> "required";
      case OPTIONAL -> "none";
      case DEFAULTED -> defaultDescription;
    };
  }

  /** The type and the rule, as the documentation and the error messages show them. */
  public String typeDescription() {
    String t = secret ? "password" : type.name();
    return validator == null ? t : t + ", " + validator.description();
  }

  /** What a valid value is, for an error message: "a long integer > 0". */
  public String expected() {
    return validator == null ? type.expected() : type.expected() + " " + validator.description();
  }

  /** The environment variable that overrides this key: {@code ONCEFLOW_} + upper case, '.'→'_'. */
  public String envName() {
    return EnvOverrides.envName(name);
  }

  /** The default value; call only when {@link #hasDefault()}. */
  T defaultValue(Lookup others) {
    return defaultValue.apply(others);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Fluent declaration, so that {@link ConfigKeys} reads as a table. */
  public static final class Builder<T> {
    private final String name;
    private final ConfigType<T> type;
    private Validator<? super T> validator;
    private Presence presence = Presence.OPTIONAL;
    private Function<Lookup, T> defaultValue;
    private String defaultDescription;
    private boolean secret;
    private String doc;

    private Builder(String name, ConfigType<T> type) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder<T> required() {
      this.presence = Presence.REQUIRED;
      return this;
    }

    public Builder<T> defaultValue(T value) {
      Objects.requireNonNull(value, "value");
      this.presence = Presence.DEFAULTED;
      this.defaultValue = others -> value;
      this.defaultDescription = type.format(value);
      return this;
    }

    /** A default computed from other keys; {@code description} is the formula the docs show. */
    public Builder<T> defaultFrom(String description, Function<Lookup, T> value) {
      this.presence = Presence.DEFAULTED;
      this.defaultValue = Objects.requireNonNull(value, "value");
      this.defaultDescription = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder<T> validator(Validator<? super T> validator) {
      this.validator = validator;
      return this;
    }

    public Builder<T> secret() {
      this.secret = true;
      return this;
    }

    public Builder<T> doc(String doc) {
      this.doc = doc;
      return this;
    }

    public ConfigKey<T> build() {
      return new ConfigKey<>(this);
    }
  }
}
