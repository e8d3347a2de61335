package dev.satchel.mail.smtp;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Header;
import dev.satchel.mail.OutgoingMessage;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
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
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Builds the MIME message to send until mail-core's MimeWriter is available on this branch. Expects
 * the Message-ID and Date to be set on the message already (SmtpTransport does that).
 */
final class InterimMime {
  private InterimMime() {}

  static MimeMessage toMimeMessage(OutgoingMessage m, Session session) throws MessagingException {
    String id = m.messageId().orElseThrow(() -> new IllegalArgumentException("message id not set"));
    MimeMessage mime = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", id);
      }
    };
    mime.setFrom(address(m.from()));
    if (!m.replyTo().isEmpty()) {
      mime.setReplyTo(addresses(m.replyTo()));
    }
    if (!m.to().isEmpty()) {
      mime.setRecipients(RecipientType.TO, addresses(m.to()));
    }
    if (!m.cc().isEmpty()) {
      mime.setRecipients(RecipientType.CC, addresses(m.cc()));
    }
    mime.setSubject(m.subject(), "UTF-8");
    mime.setSentDate(Date.from(m.date().orElseThrow().toInstant()));
    for (Header h : m.headers()) {
      try {
        mime.addHeader(h.name(), MimeUtility.fold(h.name().length() + 2, MimeUtility.encodeText(h.value(), "UTF-8", null)));
      } catch (UnsupportedEncodingException e) {
        throw new MessagingException("cannot encode header " + h.name(), e);
      }
    }
    List<MimeBodyPart> inline = new ArrayList<>();
    List<MimeBodyPart> attached = new ArrayList<>();
    for (Attachment a : m.attachments()) {
      (a.isInline() ? inline : attached).add(part(a));
    }
    MimeBodyPart body = new MimeBodyPart();
    String text = m.text().orElse(null);
    String html = m.html().orElse(null);
    if (text != null && html != null) {
      MimeMultipart alt = new MimeMultipart("alternative");
      alt.addBodyPart(textPart(text, "plain"));
      alt.addBodyPart(textPart(html, "html"));
      body.setContent(alt);
    } else if (html != null) {
      body.setText(html, "UTF-8", "html");
    } else {
      body.setText(text == null ? "" : text, "UTF-8", "plain");
    }
    if (!inline.isEmpty()) {
      MimeMultipart related = new MimeMultipart("related");
      related.addBodyPart(body);
      for (BodyPart p : inline) {
        related.addBodyPart(p);
      }
      body = new MimeBodyPart();
      body.setContent(related);
    }
    if (attached.isEmpty() && inline.isEmpty() && (text == null || html == null)) {
      mime.setText(html != null ? html : text == null ? "" : text, "UTF-8", html != null ? "html" : "plain");
    } else if (attached.isEmpty()) {
      try {
        mime.setContent((MimeMultipart) body.getContent());
      } catch (IOException e) {
        throw new MessagingException("cannot build body", e);
      }
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      for (BodyPart p : attached) {
        mixed.addBodyPart(p);
      }
      mime.setContent(mixed);
    }
    mime.saveChanges();
    return mime;
  }

  private static MimeBodyPart textPart(String text, String subtype) throws MessagingException {
    MimeBodyPart p = new MimeBodyPart();
    p.setText(text, "UTF-8", subtype);
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
      throw new MessagingException("cannot encode file name", e);
    }
    p.setHeader("Content-Type", a.mediaType());
    p.setHeader("Content-Transfer-Encoding", "base64");
    if (a.isInline()) {
      p.setDisposition(MimeBodyPart.INLINE);
      p.setContentID("<" + a.contentId().orElseThrow() + ">");
    } else {
      p.setDisposition(MimeBodyPart.ATTACHMENT);
    }
    return p;
  }

  private static InternetAddress[] addresses(List<EmailAddress> list) throws MessagingException {
    InternetAddress[] out = new InternetAddress[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = address(list.get(i));
    }
    return out;
  }

  private static InternetAddress address(EmailAddress a) throws MessagingException {
    try {
      return new InternetAddress(a.needsSmtpUtf8() ? a.address() : a.asciiAddress(), a.displayName().orElse(null), "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new MessagingException("cannot encode " + a, e);
    }
  }
}
