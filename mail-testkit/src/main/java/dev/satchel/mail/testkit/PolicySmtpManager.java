package dev.satchel.mail.testkit;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.user.UserManager;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GreenMail's SMTP manager with a {@link RecipientPolicy}: GreenMail asks
 * {@link #checkRecipient} for each {@code RCPT TO} and sends a non-null answer as the reply instead
 * of {@code 250 OK} (and does not add that recipient). Thread-safe: the policy can change while
 * sessions run; each RCPT sees the policy of that moment.
 */
final class PolicySmtpManager extends SmtpManager {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySmtpManager.class);

  private volatile RecipientPolicy policy = RecipientPolicy.acceptAll();

  PolicySmtpManager(ImapHostManager imapHostManager, UserManager userManager) {
    super(imapHostManager, userManager);
  }

  RecipientPolicy policy() {
    return policy;
  }

  void policy(RecipientPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  @Override
  public @Nullable String checkRecipient(SmtpState state, MailAddress recipient) {
    String reply = policy.replyTo(recipient.getEmail()).orElse(null);
    if (reply != null) {
      LOG.debug("RCPT TO:<{}> refused by the recipient policy: {}", recipient.getEmail(), reply);
    }
    return reply;
  }
}
