package dev.satchel.mail.cli;

import org.jspecify.annotations.Nullable;

/**
 * One finding of {@code satchel doctor}.
 *
 * @param status how it went
 * @param name what was checked, for example "TLS"
 * @param detail what was found, in plain words
 * @param fix what to do about a failure or warning, or null
 */
record Check(Status status, String name, String detail, @Nullable String fix) {
  /** How a check went. */
  enum Status {
    OK("ok"),
    INFO("info"),
    WARN("warn"),
    FAIL("FAIL"),
    SKIP("skip");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }

  static Check ok(String name, String detail) {
    return new Check(Status.OK, name, detail, null);
  }

  static Check info(String name, String detail) {
    return new Check(Status.INFO, name, detail, null);
  }

  static Check warn(String name, String detail, @Nullable String fix) {
    return new Check(Status.WARN, name, detail, fix);
  }

  static Check fail(String name, String detail, @Nullable String fix) {
    return new Check(Status.FAIL, name, detail, fix);
  }

  static Check skip(String name, String detail) {
    return new Check(Status.SKIP, name, detail, null);
  }
}
