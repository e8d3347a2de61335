package dev.satchel.mail;

/**
 * How a connection is protected.
 *
 * <p>There is no "opportunistic" mode: {@link #STARTTLS} either upgrades the connection or fails
 * before any credential is sent, and plaintext is only ever used when {@link #NONE} is chosen.
 */
public enum Security {
  /** Implicit TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465). */
  TLS,
  /**
   * Plain connection upgraded with STARTTLS (IMAP, SMTP) or STLS (POP3). Required: when the server
   * does not offer it, the connection fails with {@link MailConnectionException} before
   * authentication. Never a silent downgrade.
   */
  STARTTLS,
  /** No encryption at all. Only for loopback test servers or trusted networks; chosen explicitly. */
  NONE
}
