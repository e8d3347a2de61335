package dev.satchel.mail;

import java.util.List;

/**
 * What happened to one sent message. A message that some recipients accepted and some refused is a
 * result, not an exception: check {@link #rejected()}.
 *
 * @param messageId the Message-ID written into the message, with angle brackets
 * @param accepted recipients the server accepted
 * @param rejected recipients the server refused, with its reasons
 */
public record SendResult(String messageId, List<EmailAddress> accepted, List<RejectedRecipient> rejected) {

  /** Copies the lists. */
  public SendResult {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }

  /** True when every recipient was accepted. */
  public boolean isComplete() {
    return rejected.isEmpty();
  }
}
