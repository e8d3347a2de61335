package dev.satchel.mail.internal;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailException;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SentCopy;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a copy of a sent message into the Sent folder of a {@link Mailbox}. Protocol-neutral: the
 * mailbox finds the folder by special use (and whatever fallback its protocol has).
 */
public final class SentFolder {
  private static final Logger log = LoggerFactory.getLogger(SentFolder.class);

  private SentFolder() {}

  /**
   * Appends {@code message} to the Sent folder of {@code mailbox}, marked seen. Never throws for
   * environment failures: the outcome is returned, because the message has already been sent.
   * Locks on {@code mailbox} while using it.
   */
  public static SentCopy save(Mailbox mailbox, OutgoingMessage message) {
    synchronized (mailbox) {
      Optional<Folder> sent = Optional.empty();
      try {
        sent = mailbox.specialFolder(SpecialUse.SENT);
        if (sent.isEmpty()) {
          return failed(sent, "the mailbox has no Sent folder (none marked \\Sent and none found by name)", message);
        }
        Optional<Uid> uid = mailbox.append(sent.get(), message, Set.of(Flag.SEEN));
        log.debug("saved a copy of {} to {}", message.messageId().orElse("(message)"), sent.get().fullName());
        return SentCopy.saved(sent.get(), uid);
      } catch (MailException | UnsupportedCapabilityException e) {
        return failed(sent, "appending to the Sent folder failed: " + e.getMessage(), message);
      }
    }
  }

  private static SentCopy failed(Optional<Folder> folder, String problem, OutgoingMessage message) {
    log.warn("message {} was sent, but no copy was saved: {}", message.messageId().orElse("(message)"), problem);
    return SentCopy.failed(folder, problem);
  }
}
