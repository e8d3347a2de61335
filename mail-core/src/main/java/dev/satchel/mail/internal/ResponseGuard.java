package dev.satchel.mail.internal;

import java.io.IOException;

/**
 * Watches one connection's bytes for a protocol's limits: what the client sends (to know what the
 * server is answering) and what the server sends, before the protocol layer reads it. One instance
 * per connection, kept across a STARTTLS upgrade; not thread-safe (a connection reads on one thread
 * at a time, and writes are told in order).
 */
interface ResponseGuard {
  /**
   * Inspects {@code len} bytes the server sent.
   *
   * @throws ServerLimitException when they go past a limit
   * @throws IOException when they cannot be inspected (compressed data that does not inflate)
   */
  void received(byte[] b, int off, int len) throws IOException;

  /** Notes {@code len} bytes the client sent. */
  void sent(byte[] b, int off, int len);

  /** Releases what the guard holds (an inflater); called when the connection's input is closed. */
  default void release() {}
}
