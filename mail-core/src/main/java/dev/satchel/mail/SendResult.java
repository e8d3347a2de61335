package dev.satchel.mail;

import java.util.List;
import java.util.Optional;

/**
 * What happened to one sent message. A message that some recipients accepted and some refused is a
 * result, not an exception: check {@link #rejected()}.
 *
 * @param messageId the Message-ID written into the message, with angle brackets
 * @param accepted recipients the server accepted
 * @param rejected recipients the server refused, with its reasons
 * @param sentCopy the outcome of saving a copy to the Sent folder; empty when none was asked for
 */
public record SendResult(String messageId, List<EmailAddress> accepted, List<RejectedRecipient> rejected,
    Optional<SentCopy> sentCopy) {

  /** Copies the lists. */
  public SendResult {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }

  /** A result without a Sent copy. */
  public SendResult(String messageId, List<EmailAddress> accepted, List<RejectedRecipient> rejected) {
    this(messageId, accepted, rejected, Optional.empty());
  }

  /** True when every recipient was accepted. */
  public boolean isComplete() {
    return rejected.isEmpty();
  }

  /** This result with the outcome of the Sent copy. */
  public SendResult withSentCopy(SentCopy copy) {
    return new SendResult(messageId, accepted, rejected, Optional.of(copy));
  }
}
