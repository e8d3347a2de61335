package dev.satchel.mail.pop3;

import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.internal.MailExceptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Ties what a {@link Pop3Mailbox} hands out from its download file (attachments, inline parts, the
 * streams of {@code openRaw}) to the mailbox's life: once it is closed, opening or reading them throws
 * an {@link IllegalStateException} that says so ({@link MailExceptions#PART_AFTER_CLOSE}), as over
 * IMAP, instead of depending on whether the platform still lets a deleted file be read.
 */
final class SessionBound {
  private SessionBound() {}

  /** {@code message} with every part refusing to be opened or read once {@code closed} says true. */
  static Message message(Message message, BooleanSupplier closed) {
    if (message.parts().isEmpty()) {
      return message;
    }
    List<MessagePart> parts = new ArrayList<>(message.parts().size());
    for (MessagePart p : message.parts()) {
      parts.add(new MessagePart(p.filename().orElse(null), p.mediaType(), p.contentId().orElse(null), p.isInline(),
          p.size().orElse(-1), () -> {
            check(closed, MailExceptions.PART_AFTER_CLOSE);
            return stream(p.open(), closed, MailExceptions.PART_AFTER_CLOSE);
          }));
    }
    return new Message(message.summary(), message.headers(), message.text(), message.html(), parts, message.problems());
  }

  /** {@code in}, refusing every read once {@code closed} says true, with {@code afterClose} as the message. */
  static InputStream stream(InputStream in, BooleanSupplier closed, String afterClose) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        check(closed, afterClose);
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        check(closed, afterClose);
        return super.read(b, off, len);
      }

      @Override
      public long skip(long n) throws IOException {
        check(closed, afterClose);
        return super.skip(n);
      }
    };
  }

  private static void check(BooleanSupplier closed, String afterClose) {
    if (closed.getAsBoolean()) {
      throw new IllegalStateException(afterClose);
    }
  }
}
