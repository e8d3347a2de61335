package dev.satchel.mail;

/**
 * A mail protocol Satchel speaks.
 *
 * <p>IMAP manages mail on the server (flags, folders, moves and deletes that every client sees);
 * POP3 only downloads; SMTP sends.
 */
public enum Protocol {
  /** Internet Message Access Protocol (RFC 9051 / RFC 3501): mail managed on the server. */
  IMAP(143, 993, 143),
  /** Post Office Protocol 3 (RFC 1939): download only. */
  POP3(110, 995, 110),
  /** Simple Mail Transfer Protocol, as message submission (RFC 6409): sending. */
  SMTP(25, 465, 587);

  private final int plainPort;
  private final int tlsPort;
  private final int startTlsPort;

  Protocol(int plainPort, int tlsPort, int startTlsPort) {
    this.plainPort = plainPort;
    this.tlsPort = tlsPort;
    this.startTlsPort = startTlsPort;
  }

  /**
   * The well-known port for this protocol under the given security: for example 993 for IMAP over
   * TLS, 587 for SMTP submission with STARTTLS.
   */
  public int defaultPort(Security security) {
    return switch (security) {
      case TLS -> tlsPort;
      case STARTTLS -> startTlsPort;
      case NONE -> plainPort;
    };
  }

  /** True for the protocols that read mail ({@link #IMAP}, {@link #POP3}). */
  public boolean isIncoming() {
    return this != SMTP;
  }
}
