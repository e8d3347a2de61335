package dev.satchel.mail.internal.wire;

import java.io.IOException;

/**
 * A server sent more than a limit of the wire core allows (a line too long, bytes injected ahead of
 * a TLS switch, ...). The connection cannot be used after it; the message names what was sent and the
 * limit.
 */
public final class WireLimitException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String limit;

  /**
   * @param what what the server did, with the limit's value
   * @param limit the limit's name, for example {@code maxLine}
   */
  public WireLimitException(String what, String limit) {
    super(what + " (" + limit + ")");
    this.limit = limit;
  }

  /** The name of the exceeded limit. */
  public String limit() {
    return limit;
  }
}
