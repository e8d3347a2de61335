package dev.satchel.mail.imap;

import dev.satchel.mail.Header;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.Base64DecodingInputStream;
import dev.satchel.mail.internal.MimeParams;
import dev.satchel.mail.internal.MimeReader;
import dev.satchel.mail.internal.MimeText;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Message} on Satchel's IMAP engine from the server's BODYSTRUCTURE: one FETCH for
 * the summary, header and structure, one for the text and HTML bodies, and attachments left on the
 * server, each streamed by {@link MessageSource#open} when the caller opens it. Parts are classified
 * and decoded by the rules of {@link MimeReader} (through {@link MimeText}), so that a message reads
 * the same over IMAP as over POP3. When the server's ENVELOPE or BODYSTRUCTURE cannot be read, the
 * message is fetched whole and parsed by {@link MimeReader}, with a problem saying so.
 *
 * <p>Stateless; each call uses only its {@link MessageSource}.
 */
final class EngineMessageReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EngineMessageReader.class);

  /** The first problem of a message that had to be fetched whole. */
  static final String WHOLE = "the server's ENVELOPE or BODYSTRUCTURE for this message could not be parsed;"
      + " the message was fetched whole and parsed by Satchel";
  /** The most a message fetched whole (because its structure could not be read) may hold: 64 MiB. */
  static final int WHOLE_LIMIT = 64 * 1024 * 1024;

  /** What the first FETCH asks for. */
  static final String ITEMS = "UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER]";

  private final MessageSource source;
  private final List<String> problems = new ArrayList<>();
  private final List<MessagePart> parts = new ArrayList<>();
  private @Nullable Leaf text;
  private @Nullable Leaf html;

  private EngineMessageReader(MessageSource source) {
    this.source = source;
  }

  /** A single part that is a body, with what decoding it needs. */
  private record Leaf(BodyStructure.Part part, @Nullable MimeParams type) {}

  /**
   * Reads message {@code uid} from {@code source}.
   *
   * @param folderName names the folder in errors
   * @throws MailCommandException when the message no longer exists, or cannot be read at all
   */
  static Message read(MessageSource source, long uidValidity, long uid, String folderName) {
    ImapValue.ListValue items = source.fetch(ITEMS);
    if (items == null) {
      throw noSuchMessage(folderName, uid);
    }
    items = withUid(items, uid);
    ImapValue structure = EngineFetch.item(items, "BODYSTRUCTURE");
    if (!(EngineFetch.item(items, "ENVELOPE") instanceof ImapValue.ListValue) || structure == null) {
      return whole(source, uidValidity, uid, folderName, List.of());
    }
    BodyStructure bs = BodyStructure.parse(structure);
    BodyStructure.Part root = bs.root();
    if (!bs.complete() || root == null) {
      return whole(source, uidValidity, uid, folderName, bs.problems());
    }
    EngineMessageReader reader = new EngineMessageReader(source);
    MessageSummary summary = EngineFetch.summary(items, uidValidity, new AddressCache(), null);
    reader.problems.addAll(summary.problems());
    reader.problems.addAll(bs.problems());
    List<Header> headers = List.of();
    if (EngineFetch.item(items, "BODY[HEADER]") instanceof ImapValue.Str h) {
      headers = headers(h.bytes());
    } else {
      reader.problems.add("the server sent no header for this message");
    }
    reader.walk(root, "");
    Map<String, String> texts = reader.fetchTexts();
    Leaf t = reader.text;
    Leaf h = reader.html;
    return new Message(summary, headers, Optional.ofNullable(t == null ? null : texts.get(t.part().section())),
        Optional.ofNullable(h == null ? null : texts.get(h.part().section())), reader.parts, reader.problems);
  }

  private static MailCommandException noSuchMessage(String folderName, long uid) {
    return new MailCommandException("fetch", "no message with UID " + uid + " in " + folderName, null);
  }

  /** The item list with a UID item for {@code uid} in front when the server left it out. */
  private static ImapValue.ListValue withUid(ImapValue.ListValue items, long uid) {
    if (EngineFetch.uid(items) == uid) {
      return items;
    }
    List<ImapValue> l = new ArrayList<>(items.items().size() + 2);
    l.add(new ImapValue.Atom("UID"));
    l.add(new ImapValue.Atom(Long.toString(uid)));
    l.addAll(items.items());
    return new ImapValue.ListValue(l);
  }

  /**
   * The second try for a message whose ENVELOPE or BODYSTRUCTURE could not be read: the whole message,
   * streamed, parsed by {@link MimeReader} as over POP3 and held in memory, with a problem saying so.
   */
  private static Message whole(MessageSource source, long uidValidity, long uid, String folderName, List<String> why) {
    LOG.warn("the server's ENVELOPE or BODYSTRUCTURE for message UID {} in {} could not be parsed; the message was"
        + " fetched whole and parsed by Satchel", uid, folderName);
    ImapValue.ListValue items = source.fetch("UID FLAGS RFC822.SIZE INTERNALDATE");
    if (items == null) {
      throw noSuchMessage(folderName, uid);
    }
    items = withUid(items, uid);
    long size = EngineFetch.item(items, "RFC822.SIZE") instanceof ImapValue.Atom a ? a.number() : -1;
    byte[] raw;
    try (InputStream in = source.open("", size)) {
      raw = in.readNBytes(WHOLE_LIMIT + 1);
    } catch (IOException e) {
      throw new MailCommandException("fetch UID " + uid, "the server's answers for message UID " + uid + " in "
          + folderName + " could not be parsed, not even the whole message: " + e.getMessage(), e);
    }
    if (raw.length > WHOLE_LIMIT) {
      // held in memory to be parsed: a server streaming without end (or a huge message) stops here
      throw new MailCommandException("fetch UID " + uid, "the server's answers for message UID " + uid + " in "
          + folderName + " could not be parsed, and the message is larger than " + WHOLE_LIMIT + " bytes, the most"
          + " Satchel reads whole to parse it; read it with openRaw", null);
    }
    Message m = MimeReader.read(new ByteArrayInputStream(raw), new Uid.Imap(uidValidity, uid));
    MessageSummary s = EngineFetch.summary(items, uidValidity, new AddressCache(), null);
    List<String> all = new ArrayList<>();
    all.add(WHOLE);
    all.addAll(why);
    all.addAll(s.problems());
    all.addAll(m.problems());
    MessageSummary summary = new MessageSummary(s.uid(), s.flags(), s.keywords(), size < 0 ? raw.length : s.size(),
        s.internalDate(), m.envelope(), all);
    return new Message(summary, m.headers(), m.text(), m.html(), m.parts(), all);
  }

  /** The header fields of a BODY[HEADER] answer, as {@link MimeReader} gives them. */
  private static List<Header> headers(byte[] block) {
    List<Header> out = new ArrayList<>();
    try {
      InternetHeaders ih = new InternetHeaders(new ByteArrayInputStream(block));
      for (jakarta.mail.Header h : Collections.list(ih.getAllHeaders())) {
        out.add(new Header(h.getName(), MimeText.headerValue(h.getValue() == null ? "" : h.getValue())));
      }
    } catch (MessagingException e) {
      // the fields read so far stay
    }
    return out;
  }

  /** Sorts the leaves below {@code p} into the bodies and the parts, as MimeReader's walk does. */
  private void walk(BodyStructure.Part p, String parentSubtype) {
    if (p.isMultipart()) {
      if (p.parts().isEmpty()) {
        problems.add("part " + p.section() + ": empty multipart/" + p.subtype());
      }
      for (BodyStructure.Part child : p.parts()) {
        walk(child, p.subtype());
      }
      return;
    }
    String where = "part " + p.section() + " (" + p.mediaType() + ")";
    Consumer<String> report = m -> problems.add(where + ": " + m);
    MimeParams type = MimeParams.parse(field(p.mediaType(), p.params()), "Content-Type", report);
    MimeParams disposition = p.disposition() == null ? null
        : MimeParams.parse(field(p.disposition(), p.dispositionParams()), "Content-Disposition", report);
    String filename = MimeText.filename(disposition, type, report);
    String cid = MimeText.contentId(p.id());
    String mediaType = p.mediaType();
    boolean attachment = disposition != null && disposition.value().equals("attachment");
    boolean bodyCandidate = (mediaType.equals("text/plain") || mediaType.equals("text/html")) && !attachment
        && filename == null;
    if (bodyCandidate && mediaType.equals("text/plain") && text == null) {
      text = new Leaf(p, type);
      return;
    }
    if (bodyCandidate && mediaType.equals("text/html") && html == null) {
      html = new Leaf(p, type);
      return;
    }
    boolean inline = !attachment && (cid != null || parentSubtype.equals("related") || bodyCandidate
        || (parentSubtype.equals("alternative") && filename == null));
    parts.add(part(p, filename, cid, inline));
  }

  /** A header field value {@code value; name="v"; ...} from BODYSTRUCTURE's pieces, for {@link MimeParams}. */
  private static String field(String value, List<BodyStructure.Param> params) {
    StringBuilder sb = new StringBuilder(value);
    for (BodyStructure.Param param : params) {
      sb.append("; ").append(param.name()).append("=\"")
          .append(param.value().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.toString();
  }

  /** Fetches the text and HTML bodies in one command and decodes them. */
  private Map<String, String> fetchTexts() {
    List<Leaf> wanted = new ArrayList<>(2);
    if (text != null) {
      wanted.add(text);
    }
    if (html != null) {
      wanted.add(html);
    }
    if (wanted.isEmpty()) {
      return Map.of();
    }
    Map<String, byte[]> raw = source.sections(wanted.stream().map(l -> l.part().section()).toList());
    Map<String, String> out = new java.util.HashMap<>();
    for (Leaf l : wanted) {
      BodyStructure.Part p = l.part();
      byte[] bytes = raw.get(p.section());
      if (bytes == null) {
        problems.add("body part " + p.section() + " was not returned by the server");
        continue;
      }
      String where = "part " + p.section() + " (" + p.mediaType() + ")";
      out.put(p.section(), MimeText.text(decodeText(bytes, p.encoding(), where), l.type(),
          m -> problems.add(where + ": " + m)));
    }
    return out;
  }

  /** A text body's bytes without their transfer encoding; what cannot be decoded is reported and kept as sent. */
  private byte[] decodeText(byte[] raw, @Nullable String encoding, String where) {
    InputStream in;
    try {
      in = decoder(new ByteArrayInputStream(raw), encoding);
    } catch (IOException e) {
      problems.add(where + ": " + e.getMessage() + "; content left encoded");
      return raw;
    }
    try (InputStream decoding = in) {
      byte[] out = decoding.readAllBytes();
      if (decoding instanceof Base64DecodingInputStream b64 && !b64.problems().isEmpty()) {
        problems.add(where + ": invalid base64: " + String.join("; ", b64.problems()) + "; decoded what could be read");
      }
      return out;
    } catch (IOException e) {
      problems.add(where + ": cannot decode content: " + e.getMessage() + "; content left encoded");
      return raw;
    }
  }

  /**
   * Undoes a Content-Transfer-Encoding: base64 by Satchel's own lenient block decoder, the others
   * by Jakarta Mail's decoders; none, 7bit, 8bit and binary pass through.
   *
   * @throws IOException for an encoding no decoder knows
   */
  static InputStream decoder(InputStream raw, @Nullable String encoding) throws IOException {
    String e = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    if (identity(e)) {
      return raw;
    }
    if (e.equals("base64")) {
      return new Base64DecodingInputStream(raw);
    }
    try {
      return MimeUtility.decode(raw, e);
    } catch (MessagingException x) {
      throw new IOException("unknown Content-Transfer-Encoding \"" + e.replaceAll("\\p{Cntrl}", "?") + "\"", x);
    }
  }

  private static boolean identity(String encoding) {
    return encoding.isEmpty() || encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
  }

  /** An attachment or inline part, left on the server until opened. */
  private MessagePart part(BodyStructure.Part p, @Nullable String filename, @Nullable String cid, boolean inline) {
    String encoding = p.encoding();
    boolean identity = identity(encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT));
    long size = identity ? p.size() : -1;
    MessageSource s = source;
    String section = p.section();
    long encodedSize = p.size();
    if (identity && p.type().equals("message") && p.message() != null) {
      // the embedded message as header and text: some servers (GreenMail) answer BODY[n] of a
      // message/rfc822 part with its text only, where RFC 3501 means the whole message; when the
      // server cannot answer HEADER for it, BODY[n] it is
      return new MessagePart(filename, p.mediaType(), cid, inline, size, () -> {
        byte[] header;
        try {
          header = embeddedHeader(s, section);
        } catch (IOException e) {
          return s.open(section, encodedSize);
        }
        return new java.io.SequenceInputStream(new ByteArrayInputStream(header),
            new LazyStream(() -> s.open(section + ".TEXT", -1)));
      });
    }
    return new MessagePart(filename, p.mediaType(), cid, inline, size, () -> {
      InputStream raw = s.open(section, encodedSize);
      try {
        return decoder(raw, encoding);
      } catch (IOException e) {
        raw.close();
        throw e;
      }
    });
  }

  /**
   * The header of the message embedded at {@code section}, ending in the blank line that separates it
   * from the text (GreenMail leaves that line out).
   */
  private static byte[] embeddedHeader(MessageSource source, String section) throws IOException {
    byte[] h;
    try (InputStream in = source.open(section + ".HEADER", -1)) {
      h = in.readAllBytes();
    }
    int n = h.length;
    boolean ended = (n >= 2 && h[n - 1] == '\n' && h[n - 2] == '\n')
        || (n >= 4 && h[n - 1] == '\n' && h[n - 2] == '\r' && h[n - 3] == '\n');
    if (n == 0 || ended) {
      return h;
    }
    byte[] out = java.util.Arrays.copyOf(h, n + 2);
    out[n] = '\r';
    out[n + 1] = '\n';
    return out;
  }

  /** A stream opened on its first read, so that the second half of a sequence costs nothing until reached. */
  private static final class LazyStream extends InputStream {
    private final dev.satchel.mail.ContentSource opener;
    private @Nullable InputStream in;

    LazyStream(dev.satchel.mail.ContentSource opener) {
      this.opener = opener;
    }

    private InputStream in() throws IOException {
      InputStream s = in;
      if (s == null) {
        s = opener.open();
        in = s;
      }
      return s;
    }

    @Override
    public int read() throws IOException {
      return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      InputStream s = in;
      if (s != null) {
        s.close();
      }
    }
  }
}
