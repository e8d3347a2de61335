package dev.satchel.mail.imap;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Header;
import dev.satchel.mail.OutgoingMessage;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.List;

/**
 * Turns an {@link OutgoingMessage} into a Jakarta {@link MimeMessage} for APPEND. Attachments are
 * read from their {@link dev.satchel.mail.ContentSource} when the message is written, not before.
 *
 * <p>A stop-gap until mail-core's shared {@code MimeWriter} is merged; it then replaces this class.
 */
final class OutgoingMime {
  private OutgoingMime() {}

  static MimeMessage toMimeMessage(OutgoingMessage m, Session session) throws MessagingException {
    MimeMessage mime = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        if (m.messageId().isPresent()) {
          setHeader("Message-ID", m.messageId().get());
        } else {
          super.updateMessageID();
        }
      }
    };
    mime.setFrom(address(m.from()));
    setAddresses(mime, "Reply-To", m.replyTo());
    setAddresses(mime, "To", m.to());
    setAddresses(mime, "Cc", m.cc());
    mime.setSubject(m.subject(), "UTF-8");
    mime.setSentDate(m.date().map(d -> Date.from(d.toInstant())).orElseGet(Date::new));
    for (Header h : m.headers()) {
      mime.addHeader(h.name(), MimeUtility.fold(h.name().length() + 2, encode(h.value())));
    }
    List<Attachment> inline = m.attachments().stream().filter(Attachment::isInline).toList();
    List<Attachment> attached = m.attachments().stream().filter(a -> !a.isInline()).toList();

    MimeBodyPart body = alternative(m);
    if (!inline.isEmpty()) {
      MimeMultipart related = new MimeMultipart("related");
      related.addBodyPart(body);
      for (Attachment a : inline) {
        related.addBodyPart(part(a));
      }
      body = wrap(related);
    }
    if (attached.isEmpty()) {
      try {
        mime.setContent(body.getContent(), body.getContentType());
      } catch (IOException e) {
        throw new MessagingException("cannot build the message body", e);
      }
      if (body.getHeader("Content-Transfer-Encoding") != null) {
        mime.setHeader("Content-Transfer-Encoding", body.getHeader("Content-Transfer-Encoding")[0]);
      }
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      for (Attachment a : attached) {
        mixed.addBodyPart(part(a));
      }
      mime.setContent(mixed);
    }
    mime.saveChanges();
    return mime;
  }

  private static String encode(String value) {
    try {
      return MimeUtility.encodeText(value, "UTF-8", null);
    } catch (UnsupportedEncodingException e) {
      return value;
    }
  }

  private static InternetAddress address(EmailAddress a) throws MessagingException {
    try {
      return new InternetAddress(a.address(), a.displayName().orElse(null), "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new MessagingException("cannot encode address", e);
    }
  }

  private static void setAddresses(MimeMessage mime, String header, List<EmailAddress> list) throws MessagingException {
    if (list.isEmpty()) {
      return;
    }
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = address(list.get(i));
    }
    mime.setHeader(header, InternetAddress.toString(out, header.length() + 2));
  }

  private static MimeBodyPart alternative(OutgoingMessage m) throws MessagingException {
    String text = m.text().orElse(null);
    String html = m.html().orElse(null);
    if (text != null && html != null) {
      MimeMultipart alt = new MimeMultipart("alternative");
      MimeBodyPart t = new MimeBodyPart();
      t.setText(text, "UTF-8", "plain");
      MimeBodyPart h = new MimeBodyPart();
      h.setText(html, "UTF-8", "html");
      alt.addBodyPart(t);
      alt.addBodyPart(h);
      return wrap(alt);
    }
    MimeBodyPart single = new MimeBodyPart();
    if (html != null) {
      single.setText(html, "UTF-8", "html");
    } else {
      single.setText(text == null ? "" : text, "UTF-8", "plain");
    }
    return single;
  }

  private static MimeBodyPart wrap(MimeMultipart mp) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setContent(mp);
    return p;
  }

  private static MimeBodyPart part(Attachment a) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setDataHandler(new DataHandler(new DataSource() {
      @Override
      public InputStream getInputStream() throws IOException {
        return a.content().open();
      }

      @Override
      public OutputStream getOutputStream() throws IOException {
        throw new IOException("read-only");
      }

      @Override
      public String getContentType() {
        return a.mediaType();
      }

      @Override
      public String getName() {
        return a.filename();
      }
    }));
    try {
      p.setFileName(MimeUtility.encodeText(a.filename(), "UTF-8", null));
    } catch (UnsupportedEncodingException e) {
      p.setFileName(a.filename());
    }
    p.setHeader("Content-Type", a.mediaType() + "; name=\"" + p.getFileName().replace("\"", "") + "\"");
    if (a.contentId().isPresent()) {
      p.setContentID("<" + a.contentId().get() + ">");
      p.setDisposition("inline");
    } else {
      p.setDisposition("attachment");
    }
    p.setHeader("Content-Transfer-Encoding", "base64");
    return p;
  }
}
