package io.tierscope.streams.decode;

/** Checks a decoded record for what its schema cannot express (lengths that must agree, ranges). */
@FunctionalInterface
public interface Validator<T> {
    /** @return null when {@code value} (keyed by {@code key}) is fine, otherwise why it is rejected */
    String problemWith(String key, T value);
}
