package dev.satchel.mail.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus's SMTP transport, recording how far the current message got. That is what decides whether a
 * message may be sent again after the connection was lost: only before the end of its data was
 * written can the server not have accepted it.
 */
final class TrackingSmtpTransport extends SMTPTransport {

  /** How far the current message got, in order. */
  enum Phase {
    /** Nothing of the message was sent yet. */
    NOT_STARTED,
    /** MAIL FROM / RCPT TO in progress. */
    ENVELOPE,
    /** DATA was issued; content is being written. Without the final dot the server discards it. */
    DATA,
    /** The final dot is being written or its reply awaited: the server may have accepted the message. */
    END_OF_DATA,
    /** The server accepted the message data. */
    DONE
  }

  private volatile Phase phase = Phase.NOT_STARTED;
  private final boolean utf8;

  TrackingSmtpTransport(Session session, String protocolName, boolean ssl, boolean utf8) {
    super(session, new URLName(protocolName, null, -1, null, null, null), protocolName, ssl);
    this.utf8 = utf8;
  }

  /** Whether this connection sends commands as UTF-8 and asks for SMTPUTF8 (its session allows UTF-8). */
  boolean utf8() {
    return utf8;
  }

  Phase phase() {
    return phase;
  }

  void resetPhase() {
    phase = Phase.NOT_STARTED;
  }

  /** True while the socket is open, without a round trip to the server (unlike {@link #isConnected()}). */
  boolean isOpen() {
    try {
      checkConnected();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  @Override
  protected void mailFrom() throws MessagingException {
    phase = Phase.ENVELOPE;
    super.mailFrom();
  }

  @Override
  protected OutputStream data() throws MessagingException {
    phase = Phase.DATA;
    return super.data();
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    phase = Phase.END_OF_DATA;
    super.finishData();
    phase = Phase.DONE;
  }
}
