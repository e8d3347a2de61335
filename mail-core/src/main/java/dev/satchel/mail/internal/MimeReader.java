package dev.satchel.mail.internal;

import dev.satchel.mail.ContentSource;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.StoreClosedException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns MIME into Satchel's {@link Message}, leniently: it never fails because of what a message
 * contains. Whatever is malformed (bad charsets, broken encodings, unparseable addresses or dates,
 * missing boundaries or subtypes) is read as well as possible and described in
 * {@link Message#problems()}.
 *
 * <p>Rules: the first {@code text/plain} and the first {@code text/html} part that are not
 * attachments are the bodies, decoded from their charset (unknown or wrong charsets fall back to
 * UTF-8, then windows-1252); line breaks in bodies are returned as {@code \n}. Every other leaf is a
 * {@link MessagePart}: inline when it has a Content-ID (or sits inside {@code multipart/related})
 * and is not {@code Content-Disposition: attachment}, or when it is an extra text alternative;
 * an attachment otherwise. {@code message/rfc822} parts are attachments holding the embedded message's
 * bytes. File names are decoded from RFC 2231 and RFC 2047.
 *
 * <p>Parts of a message read from a stream are backed by the parsed bytes (held once) and decoded
 * when opened; parts of a message given as a {@link MimeMessage} (for example a lazily fetched IMAP
 * message) are opened through that message, so its source must still be reachable then.
 *
 * <p>Only a failure to reach the content at all raises {@link MimeAccessException}. Stateless and
 * thread-safe.
 */
public final class MimeReader {
  private static final int MAX_DEPTH = 64;
  private static final Session SESSION = Session.getInstance(readProperties());

  private MimeReader() {}

  private static Properties readProperties() {
    Properties p = new Properties();
    p.setProperty("mail.mime.address.strict", "false");
    p.setProperty("mail.mime.multipart.allowempty", "true");
    p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "true");
    p.setProperty("mail.mime.multipart.ignorewhitespacelines", "true");
    return p;
  }

  /**
   * Reads a whole RFC 5322 message from {@code rfc822} (which is read to its end, not closed). Flags
   * are empty; the size is the number of bytes read.
   *
   * @throws MimeAccessException when the stream fails
   */
  public static Message read(InputStream rfc822, Uid uid) {
    byte[] bytes;
    try {
      bytes = rfc822.readAllBytes();
    } catch (IOException e) {
      throw new MimeAccessException("cannot read message " + uid + ": " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    MimeMessage mime;
    try {
      mime = new MimeMessage(SESSION, new SharedByteArrayInputStream(bytes));
    } catch (MessagingException e) {
      problems.add("the message could not be parsed as MIME: " + e.getMessage());
      Envelope empty = new Envelope("", List.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
          Optional.empty(), Optional.empty(), Optional.empty());
      return new Message(new MessageSummary(uid, Set.of(), Set.of(), bytes.length, Optional.empty(), empty), List.of(),
          Optional.empty(), Optional.empty(), List.of(), problems);
    }
    Envelope envelope = envelope(name -> mime.getHeader(name), false, problems::add);
    MessageSummary summary = new MessageSummary(uid, Set.of(), Set.of(), bytes.length, Optional.empty(), envelope);
    return walk(mime, summary, false, problems);
  }

  /**
   * Reads a message from a {@link jakarta.mail.internet.SharedInputStream} (for example one backed by
   * a temporary file) without copying it into memory: header fields and the text bodies are read
   * now, attachments and inline parts are decoded from {@code source} when the caller opens them, so
   * {@code source} must stay readable as long as they are used. Flags are empty; the size is
   * {@code size} as given.
   *
   * @param source the whole RFC 5322 message; must also be a {@link InputStream}
   * @throws IllegalArgumentException when {@code source} is not an {@link InputStream}
   * @throws MimeAccessException when {@code source} cannot be read
   */
  public static Message readShared(jakarta.mail.internet.SharedInputStream source, Uid uid, long size) {
    if (!(source instanceof InputStream in)) {
      throw new IllegalArgumentException("source must be an InputStream, was " + source.getClass().getName());
    }
    List<String> problems = new ArrayList<>();
    MimeMessage mime;
    try {
      mime = new MimeMessage(SESSION, in);
    } catch (MessagingException e) {
      if (isAccessFailure(e)) {
        throw new MimeAccessException("cannot read message " + uid + ": " + e.getMessage(), e);
      }
      problems.add("the message could not be parsed as MIME: " + e.getMessage());
      Envelope empty = new Envelope("", List.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
          Optional.empty(), Optional.empty(), Optional.empty());
      return new Message(new MessageSummary(uid, Set.of(), Set.of(), size, Optional.empty(), empty), List.of(),
          Optional.empty(), Optional.empty(), List.of(), problems);
    }
    Envelope envelope = envelope(name -> mime.getHeader(name), false, problems::add);
    MessageSummary summary = new MessageSummary(uid, Set.of(), Set.of(), size, Optional.empty(), envelope);
    return walk(mime, summary, false, problems);
  }

  /**
   * Reads an already parsed or lazily loaded message; its summary is taken as given. Parts are opened
   * through {@code mime} when the caller opens them.
   *
   * @throws MimeAccessException when {@code mime}'s content cannot be fetched (for example the
   *     connection behind a lazily loaded message was lost)
   */
  public static Message read(MimeMessage mime, MessageSummary summary) {
    return walk(mime, summary, true, new ArrayList<>());
  }

  /**
   * The envelope of {@code mime}: subject, addresses, date, Message-ID, In-Reply-To. Lenient: bad
   * addresses are dropped, an unparseable date is absent.
   *
   * @throws MimeAccessException only when the headers of a lazily loaded message cannot be fetched
   */
  public static Envelope envelope(MimeMessage mime) {
    return envelope(name -> mime.getHeader(name), true, p -> {});
  }

  /** The envelope from parsed header fields; lenient as {@link #envelope(MimeMessage)}; never throws. */
  public static Envelope envelope(InternetHeaders headers) {
    return envelope(headers, p -> {});
  }

  /**
   * As {@link #envelope(InternetHeaders)}, telling {@code problems} what could not be read (an
   * unrecognisable date, addresses that were dropped, broken encoded words), as {@link #read} lists
   * them in {@link Message#problems()}.
   */
  public static Envelope envelope(InternetHeaders headers, Consumer<String> problems) {
    return envelope(headers::getHeader, false, problems);
  }

  /**
   * The addresses in an address-list header value ({@code To}, {@code Cc}, ...), leniently: groups,
   * comments and encoded display names are understood, entries that are no address are dropped.
   */
  public static List<EmailAddress> addresses(String headerValue) {
    return AddressLists.parse(Charsets.fixRawHeader(EncodedWords.unfold(headerValue)), p -> {});
  }

  // ---- envelope -------------------------------------------------------------------------------

  @FunctionalInterface
  private interface HeaderSource {
    String @Nullable [] get(String name) throws MessagingException;
  }

  private static Envelope envelope(HeaderSource source, boolean lazy, Consumer<String> problems) {
    String subject = first(source, "Subject", lazy);
    String dateText = first(source, "Date", lazy);
    Optional<OffsetDateTime> date = Optional.empty();
    if (dateText != null && !dateText.isBlank()) {
      date = MimeDates.parse(dateText);
      if (date.isEmpty()) {
        problems.accept("Date: not a recognisable date: \"" + AddressLists.shorten(dateText) + "\"");
      }
    }
    List<EmailAddress> sender = list(source, "Sender", lazy, problems);
    return new Envelope(
        subject == null ? "" : EncodedWords.decode(subject, prefixed("Subject", problems)),
        list(source, "From", lazy, problems),
        sender.isEmpty() ? Optional.empty() : Optional.of(sender.get(0)),
        list(source, "Reply-To", lazy, problems),
        list(source, "To", lazy, problems),
        list(source, "Cc", lazy, problems),
        list(source, "Bcc", lazy, problems),
        date,
        Optional.ofNullable(first(source, "Message-ID", lazy)).map(String::strip).filter(s -> !s.isEmpty()),
        Optional.ofNullable(first(source, "In-Reply-To", lazy)).map(String::strip).filter(s -> !s.isEmpty()));
  }

  private static Consumer<String> prefixed(String header, Consumer<String> problems) {
    return p -> problems.accept(header + ": " + p);
  }

  private static @Nullable String first(HeaderSource source, String name, boolean lazy) {
    String[] values;
    try {
      values = source.get(name);
    } catch (MessagingException e) {
      if (lazy && isAccessFailure(e)) {
        throw new MimeAccessException("cannot fetch header " + name + ": " + e.getMessage(), e);
      }
      return null;
    }
    if (values == null || values.length == 0) {
      return null;
    }
    return Charsets.fixRawHeader(EncodedWords.unfold(values[0])).strip();
  }

  private static List<EmailAddress> list(HeaderSource source, String name, boolean lazy, Consumer<String> problems) {
    String[] values;
    try {
      values = source.get(name);
    } catch (MessagingException e) {
      if (lazy && isAccessFailure(e)) {
        throw new MimeAccessException("cannot fetch header " + name + ": " + e.getMessage(), e);
      }
      return List.of();
    }
    if (values == null) {
      return List.of();
    }
    List<EmailAddress> all = new ArrayList<>();
    for (String v : values) {
      all.addAll(AddressLists.parse(Charsets.fixRawHeader(EncodedWords.unfold(v)), prefixed(name, problems)));
    }
    return all;
  }

  // ---- body structure -------------------------------------------------------------------------

  private static Message walk(MimeMessage mime, MessageSummary summary, boolean lazy, List<String> problems) {
    Walker w = new Walker(lazy, problems);
    List<Header> headers = new ArrayList<>();
    try {
      Enumeration<jakarta.mail.Header> all = mime.getAllHeaders();
      for (jakarta.mail.Header h : Collections.list(all)) {
        String value = h.getValue() == null ? "" : h.getValue();
        headers.add(new Header(h.getName(), MimeText.headerValue(value)));
      }
    } catch (MessagingException e) {
      w.fail("headers", e);
    }
    w.walk(mime, "1", 0, "");
    return new Message(summary, headers, Optional.ofNullable(w.text), Optional.ofNullable(w.html), w.parts, problems);
  }

  /** True when {@code e} means the content could not be reached, as opposed to being malformed. */
  private static boolean isAccessFailure(Exception e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 10; depth++) {
      String cls = t.getClass().getSimpleName();
      if (cls.equals("DecodingException")) {
        return false;
      }
      if (t instanceof FolderClosedException || t instanceof StoreClosedException || t instanceof MessageRemovedException
          || t instanceof IOException) {
        return true;
      }
      Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return false;
  }

  /** Walks one message's part tree. Not thread-safe; one per read. */
  private static final class Walker {
    final boolean lazy;
    final List<String> problems;
    final List<MessagePart> parts = new ArrayList<>();
    @Nullable String text;
    @Nullable String html;

    Walker(boolean lazy, List<String> problems) {
      this.lazy = lazy;
      this.problems = problems;
    }

    void fail(String where, Exception e) {
      if (lazy && isAccessFailure(e)) {
        throw new MimeAccessException("cannot fetch " + where + ": " + e.getMessage(), e);
      }
      problems.add(where + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    void walk(Part original, String path, int depth, String parentSubtype) {
      Part p = original;
      if (depth > MAX_DEPTH) {
        problems.add("part " + path + ": nested deeper than " + MAX_DEPTH + " levels; ignored");
        return;
      }
      String where = "part " + path;
      Consumer<String> report = m -> problems.add(where + ": " + m);
      String typeHeader = header(p, "Content-Type", where);
      String mediaType;
      MimeParams type = null;
      if (typeHeader == null || typeHeader.isBlank()) {
        mediaType = parentSubtype.equals("digest") ? "message/rfc822" : "text/plain";
      } else {
        type = MimeParams.parse(typeHeader, "Content-Type", report);
        mediaType = type.value();
        if (!validMediaType(mediaType)) {
          String fallback = mediaType.startsWith("text") ? "text/plain"
              : mediaType.startsWith("multipart") ? "multipart/mixed" : "application/octet-stream";
          report.accept("malformed Content-Type \"" + AddressLists.shorten(typeHeader) + "\"; read as " + fallback);
          mediaType = fallback;
        }
      }
      if (mediaType.startsWith("multipart/")) {
        String boundary = type == null ? null : type.parameter("boundary");
        multipart(p, path, depth, mediaType.substring("multipart/".length()), boundary, where);
        return;
      }
      p = checkHeaderLines(p, report);
      String dispositionHeader = header(p, "Content-Disposition", where);
      MimeParams disposition = dispositionHeader == null ? null : MimeParams.parse(dispositionHeader, "Content-Disposition", report);
      String dispositionType = disposition == null ? "" : disposition.value();
      String filename = MimeText.filename(disposition, type, report);
      String cid = MimeText.contentId(header(p, "Content-ID", where));
      boolean attachment = dispositionType.equals("attachment");
      boolean bodyCandidate = (mediaType.equals("text/plain") || mediaType.equals("text/html")) && !attachment && filename == null;
      if (bodyCandidate && (mediaType.equals("text/plain") ? text == null : html == null)) {
        String body = textContent(p, type, where, report);
        if (mediaType.equals("text/plain")) {
          text = body;
        } else {
          html = body;
        }
        return;
      }
      boolean inline = !attachment && (cid != null || parentSubtype.equals("related") || bodyCandidate
          || (parentSubtype.equals("alternative") && filename == null));
      parts.add(part(p, filename, mediaType, cid, inline, where));
    }

    private void multipart(Part p, String path, int depth, String subtype, @Nullable String boundary, String where) {
      Multipart mp;
      int count;
      try {
        if (!lazy && p instanceof MimePart mimePart) {
          // Hand Jakarta Mail a clean Content-Type so that a sloppy one (";;", odd quoting) still yields its boundary.
          String clean = "multipart/" + subtype + (boundary == null ? "" : "; boundary=\"" + boundary.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
          mp = new MimeMultipart(new TypedDataSource(new MimePartDataSource(mimePart), clean));
        } else {
          Object content = p.getContent();
          if (content instanceof Multipart m) {
            mp = m;
          } else if (p instanceof MimePart mimePart) {
            mp = new MimeMultipart(new MimePartDataSource(mimePart));
          } else {
            problems.add(where + ": multipart content is not readable as multipart; ignored");
            return;
          }
        }
        count = mp.getCount();
      } catch (MessagingException | IOException e) {
        fail(where + " (multipart/" + subtype + ")", e);
        return;
      }
      if (count == 0) {
        problems.add(where + ": empty multipart/" + subtype);
      }
      for (int i = 0; i < count; i++) {
        Part child;
        try {
          child = mp.getBodyPart(i);
        } catch (MessagingException e) {
          fail("part " + path + "." + (i + 1), e);
          continue;
        }
        walk(child, path + "." + (i + 1), depth + 1, subtype);
      }
    }

    /**
     * Reports header lines that are no header field, which is most often a body that lacks the blank
     * line before it, and returns the part read that way: the header fields before the first such
     * line, and from that line on the body (then whatever followed the blank line the parser found).
     * Such a repaired part is held in memory, also when the message is read from a shared source.
     */
    private Part checkHeaderLines(Part p, Consumer<String> report) {
      if (!(p instanceof MimeBodyPart part)) {
        return p;
      }
      try {
        List<String> lines = Collections.list(part.getAllHeaderLines());
        for (int k = 0; k < lines.size(); k++) {
          String line = lines.get(k);
          if (!line.isEmpty() && line.charAt(0) != ' ' && line.charAt(0) != '\t' && line.indexOf(':') < 0) {
            report.accept("header line without a colon (missing blank line before the body?): \""
                + AddressLists.shorten(line) + "\"; read from there on as the body");
            return repaired(part, lines, k);
          }
        }
      } catch (MessagingException e) {
        fail("header lines", e);
      }
      return p;
    }

    private Part repaired(MimeBodyPart part, List<String> lines, int firstBodyLine) throws MessagingException {
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < firstBodyLine; i++) {
        raw.writeBytes((lines.get(i) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      raw.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      for (int i = firstBodyLine; i < lines.size(); i++) {
        raw.writeBytes((lines.get(i) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      try (InputStream rest = part.getRawInputStream()) {
        rest.transferTo(raw);
      } catch (IOException e) {
        fail("body after the header lines", e);
      }
      return new MimeBodyPart(new SharedByteArrayInputStream(raw.toByteArray()));
    }

    private @Nullable String header(Part p, String name, String where) {
      try {
        String[] values = p.getHeader(name);
        if (values == null || values.length == 0) {
          return null;
        }
        return Charsets.fixRawHeader(EncodedWords.unfold(values[0]));
      } catch (MessagingException e) {
        fail(where + " header " + name, e);
        return null;
      }
    }

    private String textContent(Part p, @Nullable MimeParams type, String where, Consumer<String> report) {
      return MimeText.text(decodedBytes(p, where), type, report);
    }

    /** The decoded content; on a broken transfer encoding, a best-effort decoding and a problem. */
    private byte[] decodedBytes(Part p, String where) {
      try (InputStream in = p.getInputStream()) {
        return in.readAllBytes();
      } catch (IOException | MessagingException e) {
        fail(where + ": cannot decode content", e);
        return bestEffort(p, where);
      }
    }

    private byte[] bestEffort(Part p, String where) {
      try {
        InputStream raw = p instanceof MimeBodyPart b ? b.getRawInputStream()
            : p instanceof MimeMessage m ? m.getRawInputStream() : null;
        if (raw == null) {
          return new byte[0];
        }
        byte[] bytes;
        try (InputStream in = raw) {
          bytes = in.readAllBytes();
        }
        String cte = p instanceof MimePart mp ? mp.getEncoding() : null;
        if (cte != null && cte.strip().toLowerCase(Locale.ROOT).equals("base64")) {
          return EncodedWords.lenientBase64(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return bytes;
      } catch (IOException | MessagingException | IllegalArgumentException e) {
        if (lazy && isAccessFailure(e)) {
          throw new MimeAccessException("cannot fetch " + where + ": " + e.getMessage(), e);
        }
        return new byte[0];
      }
    }

    private MessagePart part(Part p, @Nullable String filename, String mediaType, @Nullable String cid, boolean inline, String where) {
      ContentSource source = () -> {
        try {
          return p.getInputStream();
        } catch (MessagingException e) {
          throw new IOException("cannot open " + where + ": " + e.getMessage(), e);
        }
      };
      if (lazy) {
        return new MessagePart(filename, mediaType, cid, inline, -1, source);
      }
      // In memory: decode once now to learn the size and to report a broken encoding at parse time.
      long size = 0;
      try (InputStream in = p.getInputStream()) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          size += n;
        }
        return new MessagePart(filename, mediaType, cid, inline, size, source);
      } catch (IOException | MessagingException e) {
        fail(where + (filename != null ? " (\"" + AddressLists.shorten(filename) + "\")" : "") + ": cannot decode content", e);
        byte[] recovered = bestEffort(p, where);
        return new MessagePart(filename, mediaType, cid, inline, recovered.length, () -> new ByteArrayInputStream(recovered));
      }
    }
  }

  private static boolean validMediaType(String t) {
    int slash = t.indexOf('/');
    if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c != '/' && (c <= 32 || c >= 127 || "()<>@,;:\\\"[]?=".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }
}
