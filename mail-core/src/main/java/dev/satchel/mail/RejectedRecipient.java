package dev.satchel.mail;

import java.util.Optional;

/**
 * A recipient the SMTP server refused.
 *
 * @param address the recipient
 * @param replyCode the SMTP reply code, for example 550
 * @param enhancedStatus the enhanced status code (RFC 3463), for example {@code "5.1.1"}, when given
 * @param text the server's reply text
 */
public record RejectedRecipient(EmailAddress address, int replyCode, Optional<String> enhancedStatus, String text) {

  /** True for a permanent (5xx) refusal; false for a temporary (4xx) one worth retrying later. */
  public boolean isPermanent() {
    return replyCode >= 500;
  }
}
