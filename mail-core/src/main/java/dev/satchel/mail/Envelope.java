package dev.satchel.mail;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The header fields that identify a message, decoded (RFC 2047 encoded words are Unicode here).
 *
 * @param subject the subject, empty when absent
 * @param from the From addresses
 * @param sender the Sender address, when present
 * @param replyTo the Reply-To addresses
 * @param to the To addresses
 * @param cc the Cc addresses
 * @param bcc the Bcc addresses (usually only on drafts and sent copies)
 * @param date the Date header, when present and parseable
 * @param messageId the Message-ID including angle brackets, when present
 * @param inReplyTo the In-Reply-To header, when present
 */
public record Envelope(
    String subject,
    List<EmailAddress> from,
    Optional<EmailAddress> sender,
    List<EmailAddress> replyTo,
    List<EmailAddress> to,
    List<EmailAddress> cc,
    List<EmailAddress> bcc,
    Optional<OffsetDateTime> date,
    Optional<String> messageId,
    Optional<String> inReplyTo) {

  /** Copies the lists. */
  public Envelope {
    from = List.copyOf(from);
    replyTo = List.copyOf(replyTo);
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
  }
}
