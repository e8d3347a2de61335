package dev.satchel.mail.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** A {@link MimeMessage} that keeps the Message-ID it was given instead of replacing it on save. */
final class SatchelMimeMessage extends MimeMessage {
  SatchelMimeMessage(Session session) {
    super(session);
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    if (getHeader("Message-ID") == null) {
      super.updateMessageID();
    }
  }
}
