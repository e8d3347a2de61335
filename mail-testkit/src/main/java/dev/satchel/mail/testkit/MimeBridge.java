package dev.satchel.mail.testkit;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Uid;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Converts between Satchel's message types and RFC 5322 bytes for the test server.
 *
 * <p>An interim, deliberately small conversion, used until mail-core's internal {@code MimeWriter}
 * and {@code MimeReader} are available: it covers text, HTML, attachments and inline parts and the
 * envelope header fields. Not an API.
 */
final class MimeBridge {
  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeBridge() {}

  /** A session with no server, for parsing and writing. */
  static Session session() {
    return SESSION;
  }

  /** The message as RFC 5322 bytes, with Date and Message-ID set; Bcc is not written. */
  static byte[] toBytes(OutgoingMessage message) {
    try {
      MimeMessage mime = new FixedIdMimeMessage(SESSION, message.messageId().orElse(null));
      mime.setFrom(internet(message.from()));
      if (!message.replyTo().isEmpty()) {
        mime.setReplyTo(internet(message.replyTo()));
      }
      if (!message.to().isEmpty()) {
        mime.setRecipients(jakarta.mail.Message.RecipientType.TO, internet(message.to()));
      }
      if (!message.cc().isEmpty()) {
        mime.setRecipients(jakarta.mail.Message.RecipientType.CC, internet(message.cc()));
      }
      mime.setSubject(message.subject(), "UTF-8");
      mime.setSentDate(Date.from(message.date().orElseGet(OffsetDateTime::now).toInstant()));
      for (Header header : message.headers()) {
        mime.addHeader(header.name(), MimeUtility.fold(header.name().length() + 2,
            MimeUtility.encodeText(header.value(), "UTF-8", null)));
      }
      List<Attachment> inline = message.attachments().stream().filter(Attachment::isInline).toList();
      List<Attachment> attached = message.attachments().stream().filter(a -> !a.isInline()).toList();

      MimeBodyPart body = body(message);
      if (!inline.isEmpty()) {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(body);
        for (Attachment a : inline) {
          related.addBodyPart(part(a));
        }
        body = wrap(related);
      }
      if (attached.isEmpty()) {
        mime.setContent(body.getContent(), body.getContentType());
      } else {
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        for (Attachment a : attached) {
          mixed.addBodyPart(part(a));
        }
        mime.setContent(mixed);
      }
      mime.saveChanges();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      mime.writeTo(out);
      return out.toByteArray();
    } catch (MessagingException | IOException e) {
      throw new IllegalArgumentException("cannot write the message as MIME: " + e.getMessage(), e);
    }
  }

  /** Parses RFC 5322 bytes into a {@link Message} with no flags, sized by the bytes. */
  static Message read(byte[] rfc822, Uid uid) throws MessagingException, IOException {
    MimeMessage mime = new MimeMessage(SESSION, new ByteArrayInputStream(rfc822));
    List<Header> headers = new ArrayList<>();
    for (Enumeration<jakarta.mail.Header> e = mime.getAllHeaders(); e.hasMoreElements(); ) {
      jakarta.mail.Header h = e.nextElement();
      headers.add(new Header(h.getName(), decode(MimeUtility.unfold(h.getValue()))));
    }
    Date sent = mime.getSentDate();
    Envelope envelope = new Envelope(
        Optional.ofNullable(mime.getSubject()).orElse(""),
        addresses(mime.getHeader("From", ",")),
        addresses(mime.getHeader("Sender", ",")).stream().findFirst(),
        addresses(mime.getHeader("Reply-To", ",")),
        addresses(mime.getHeader("To", ",")),
        addresses(mime.getHeader("Cc", ",")),
        addresses(mime.getHeader("Bcc", ",")),
        sent == null ? Optional.empty() : Optional.of(sent.toInstant().atOffset(ZoneOffset.UTC)),
        Optional.ofNullable(mime.getHeader("Message-ID", null)).map(String::trim),
        Optional.ofNullable(mime.getHeader("In-Reply-To", null)).map(String::trim));
    Walk walk = new Walk();
    walk.visit(mime);
    MessageSummary summary = new MessageSummary(uid, Set.of(), Set.of(), rfc822.length, Optional.empty(), envelope);
    return new Message(summary, headers, Optional.ofNullable(walk.text), Optional.ofNullable(walk.html), walk.parts,
        walk.problems);
  }

  private static MimeBodyPart body(OutgoingMessage message) throws MessagingException {
    Optional<String> text = message.text();
    Optional<String> html = message.html();
    if (text.isPresent() && html.isPresent()) {
      MimeMultipart alternative = new MimeMultipart("alternative");
      alternative.addBodyPart(textPart(text.get(), "plain"));
      alternative.addBodyPart(textPart(html.get(), "html"));
      return wrap(alternative);
    }
    return html.isPresent() ? textPart(html.get(), "html") : textPart(text.orElse(""), "plain");
  }

  private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setText(content, "UTF-8", subtype);
    return part;
  }

  private static MimeBodyPart wrap(MimeMultipart multipart) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setContent(multipart);
    return part;
  }

  private static MimeBodyPart part(Attachment attachment) throws MessagingException, IOException {
    MimeBodyPart part = new MimeBodyPart();
    byte[] bytes;
    try (InputStream in = attachment.content().open()) {
      bytes = in.readAllBytes();
    }
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, attachment.mediaType())));
    part.setFileName(MimeUtility.encodeText(attachment.filename(), "UTF-8", null));
    part.setDisposition(attachment.isInline() ? Part.INLINE : Part.ATTACHMENT);
    if (attachment.contentId().isPresent()) {
      part.setContentID("<" + attachment.contentId().get() + ">");
    }
    return part;
  }

  private static InternetAddress internet(EmailAddress address) throws UnsupportedEncodingException {
    return new InternetAddress(address.address(), address.displayName().orElse(null), "UTF-8");
  }

  private static InternetAddress[] internet(List<EmailAddress> addresses) throws UnsupportedEncodingException {
    InternetAddress[] result = new InternetAddress[addresses.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = internet(addresses.get(i));
    }
    return result;
  }

  private static List<EmailAddress> addresses(@Nullable String header) {
    if (header == null) {
      return List.of();
    }
    List<EmailAddress> result = new ArrayList<>();
    try {
      for (InternetAddress a : InternetAddress.parseHeader(header, false)) {
        String personal = a.getPersonal();
        String address = a.getAddress();
        if (address == null) {
          continue;
        }
        Optional<EmailAddress> parsed = EmailAddress.tryParse(address);
        if (parsed.isPresent()) {
          result.add(personal == null || personal.isBlank() ? parsed.get() : parsed.get().withDisplayName(personal));
        }
      }
    } catch (AddressException e) {
      // lenient: an unparseable address list gives no addresses
    }
    return result;
  }

  private static String decode(String value) {
    try {
      return MimeUtility.decodeText(value);
    } catch (UnsupportedEncodingException e) {
      return value;
    }
  }

  /** Collects the bodies and parts of a MIME tree, depth first. */
  private static final class Walk {
    @Nullable String text;
    @Nullable String html;
    final List<MessagePart> parts = new ArrayList<>();
    final List<String> problems = new ArrayList<>();

    void visit(Part part) {
      try {
        String disposition = part.getDisposition();
        String filename = part.getFileName();
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || filename != null;
        if (part.isMimeType("multipart/*")) {
          Multipart multipart = (Multipart) part.getContent();
          for (int i = 0; i < multipart.getCount(); i++) {
            visit(multipart.getBodyPart(i));
          }
        } else if (!attachment && part.isMimeType("text/plain") && text == null) {
          text = String.valueOf(part.getContent());
        } else if (!attachment && part.isMimeType("text/html") && html == null) {
          html = String.valueOf(part.getContent());
        } else {
          byte[] bytes;
          try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
          }
          String type = part.getContentType() == null ? "application/octet-stream" : part.getContentType();
          String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
          String contentId = part instanceof MimeBodyPart mbp ? mbp.getContentID() : null;
          if (contentId != null) {
            contentId = contentId.replaceAll("^\\s*<|>\\s*$", "");
          }
          parts.add(new MessagePart(filename == null ? null : decode(filename), mediaType, contentId,
              Part.INLINE.equalsIgnoreCase(disposition), bytes.length, () -> new ByteArrayInputStream(bytes)));
        }
      } catch (MessagingException | IOException | RuntimeException e) {
        problems.add("unreadable part: " + e.getMessage());
      }
    }
  }

  /** Keeps a given Message-ID instead of the one {@link MimeMessage#saveChanges()} generates. */
  private static final class FixedIdMimeMessage extends MimeMessage {
    private final @Nullable String messageId;

    FixedIdMimeMessage(Session session, @Nullable String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      if (messageId != null) {
        setHeader("Message-ID", messageId.startsWith("<") ? messageId : "<" + messageId + ">");
      } else {
        super.updateMessageID();
      }
    }
  }
}
