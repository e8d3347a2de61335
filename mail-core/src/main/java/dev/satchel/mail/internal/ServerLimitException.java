package dev.satchel.mail.internal;

import java.io.IOException;

/**
 * A mail server announced or sent more than a limit allows ({@link WireLimits}, or a protocol
 * engine's own). Thrown by the engines' readers before anything is allocated for the offending
 * bytes; the connection cannot be used after it. The message says what the server sent and the
 * limit, for example "the server announced a literal of 1500000000 bytes; the limit is 67108864
 * (maxLiteral)".
 */
public final class ServerLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The name of the {@link WireLimits} component that was exceeded, for example "maxLiteral". */
  private final String limit;

  /**
   * @param what what the server sent, for example "the server announced a literal of 1500000000 bytes"
   * @param limitValue the limit's value
   * @param limit the limit's name
   */
  public ServerLimitException(String what, long limitValue, String limit) {
    super(what + "; the limit is " + limitValue + " (" + limit + ")");
    this.limit = limit;
  }

  /** The name of the exceeded limit, as in {@link WireLimits}. */
  public String limit() {
    return limit;
  }
}
