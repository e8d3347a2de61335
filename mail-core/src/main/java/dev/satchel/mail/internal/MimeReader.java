package dev.satchel.mail.internal;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * TEMPORARY minimal reader so that mail-pop3 compiles before the MIME helper's {@code MimeReader} is
 * merged; on merge the MIME helper's version replaces this file entirely. Reads headers, the envelope
 * and a top-level text or HTML body; no attachments.
 */
public final class MimeReader {
  private static final Session SESSION = Session.getInstance(new Properties());

  private MimeReader() {}

  /** Parses a whole message; flags empty, size = bytes read. */
  public static Message read(InputStream rfc822, Uid uid) {
    try {
      byte[] bytes = rfc822.readAllBytes();
      MimeMessage mime = new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
      List<Header> headers = new ArrayList<>();
      Enumeration<jakarta.mail.Header> e = mime.getAllHeaders();
      while (e.hasMoreElements()) {
        jakarta.mail.Header h = e.nextElement();
        headers.add(new Header(h.getName(), decode(h.getValue())));
      }
      Optional<String> text = Optional.empty();
      Optional<String> html = Optional.empty();
      Object content = mime.getContent();
      if (content instanceof String s) {
        if (mime.isMimeType("text/html")) {
          html = Optional.of(s);
        } else {
          text = Optional.of(s);
        }
      }
      MessageSummary summary = new MessageSummary(uid, Set.of(), Set.of(), bytes.length, Optional.empty(), envelope(mime));
      return new Message(summary, headers, text, html, List.of(), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The envelope of a parsed message. */
  public static Envelope envelope(MimeMessage mime) {
    try {
      InternetHeaders h = new InternetHeaders();
      Enumeration<String> lines = mime.getAllHeaderLines();
      while (lines.hasMoreElements()) {
        h.addHeaderLine(lines.nextElement());
      }
      return envelope(h);
    } catch (MessagingException e) {
      return envelope(new InternetHeaders());
    }
  }

  /** The envelope from header fields; lenient. */
  public static Envelope envelope(InternetHeaders headers) {
    String subject = first(headers, "Subject");
    Optional<OffsetDateTime> date = Optional.empty();
    String d = first(headers, "Date");
    if (!d.isEmpty()) {
      try {
        date = Optional.of(new MailDateFormat().parse(d).toInstant().atOffset(ZoneOffset.UTC));
      } catch (ParseException e) {
        // lenient
      }
    }
    String id = first(headers, "Message-ID");
    String reply = first(headers, "In-Reply-To");
    return new Envelope(decode(subject), addresses(first(headers, "From")), addresses(first(headers, "Sender")).stream().findFirst(),
        addresses(first(headers, "Reply-To")), addresses(first(headers, "To")), addresses(first(headers, "Cc")),
        addresses(first(headers, "Bcc")), date, id.isEmpty() ? Optional.empty() : Optional.of(id),
        reply.isEmpty() ? Optional.empty() : Optional.of(reply));
  }

  /** Addresses from a header value; lenient. */
  public static List<EmailAddress> addresses(String headerValue) {
    List<EmailAddress> out = new ArrayList<>();
    if (headerValue.isBlank()) {
      return out;
    }
    try {
      for (InternetAddress a : InternetAddress.parseHeader(headerValue, false)) {
        String personal = a.getPersonal();
        Optional<EmailAddress> parsed = EmailAddress.tryParse(a.getAddress());
        parsed.ifPresent(p -> out.add(personal == null || personal.isBlank() ? p : p.withDisplayName(personal)));
      }
    } catch (MessagingException | RuntimeException e) {
      // lenient
    }
    return out;
  }

  private static String first(InternetHeaders headers, String name) {
    @Nullable String v = headers.getHeader(name, null);
    return v == null ? "" : v.strip();
  }

  private static String decode(String value) {
    try {
      return MimeUtility.decodeText(MimeUtility.unfold(value));
    } catch (IOException | RuntimeException e) {
      return value;
    }
  }
}
