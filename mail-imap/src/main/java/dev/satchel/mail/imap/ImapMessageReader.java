package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.internal.Base64DecodingInputStream;
import dev.satchel.mail.internal.FlowedText;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Message} from the server's BODYSTRUCTURE: one command for the summary, headers and
 * structure, one for the text and HTML bodies, and attachments left on the server, each streamed by
 * partial fetches when opened. Every fetch uses BODY.PEEK, so \Seen is never set.
 */
final class ImapMessageReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImapMessageReader.class);

  static final String WHOLE = "the server's ENVELOPE or BODYSTRUCTURE for this message could not be parsed;"
      + " the message was fetched whole and parsed by Satchel";
  private final ImapMailbox mailbox;
  private final Folder folder;
  private final long validity;
  private final long uid;
  private final List<String> problems = new ArrayList<>();
  private @Nullable Leaf text;
  private @Nullable Leaf html;
  private final List<Leaf> attachments = new ArrayList<>();

  ImapMessageReader(ImapMailbox mailbox, Folder folder, long validity, long uid) {
    this.mailbox = mailbox;
    this.folder = folder;
    this.validity = validity;
    this.uid = uid;
  }

  /** A single body part and its section number. */
  private record Leaf(String section, BODYSTRUCTURE bs) {}

  Message read() {
    String cmd = "UID FETCH " + uid + " (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER])";
    Response[] r = mailbox.inFolder(folder, "fetch UID " + uid, p -> Imap.run(p, cmd, null));
    FetchResponse found = null;
    for (Response x : r) {
      if (x instanceof FetchResponse fr && Imap.uidOf(fr) == uid) {
        found = fr;
      }
    }
    if (found == null || found.getItem(org.eclipse.angus.mail.imap.protocol.ENVELOPE.class) == null) {
      return readWhole();
    }
    MessageSummary summary = Imap.summary(found, validity);
    if (summary == null) {
      throw ImapMailbox.noSuchMessage("fetch", folder, uid);
    }
    List<Header> headers = new ArrayList<>();
    BODY header = body(found, "HEADER");
    if (header != null && header.getByteArray() != null) {
      headers = headers(header.getByteArray());
    }
    BODYSTRUCTURE bs = found.getItem(BODYSTRUCTURE.class);
    if (bs != null) {
      walk(bs, "");
    } else {
      problems.add("the server sent no BODYSTRUCTURE");
    }
    Map<String, String> texts = fetchTexts();
    List<MessagePart> parts = new ArrayList<>();
    for (Leaf leaf : attachments) {
      parts.add(part(leaf));
    }
    return new Message(summary, headers, Optional.ofNullable(text == null ? null : texts.get(text.section())),
        Optional.ofNullable(html == null ? null : texts.get(html.section())), parts, problems);
  }

  /**
   * The second try for a message whose answer to the first FETCH was missing (Angus drops a FETCH
   * response it cannot parse): the whole message in one FETCH, parsed by Satchel's MimeReader as over
   * POP3, held in memory, with a problem saying so.
   *
   * @throws dev.satchel.mail.MailCommandException when the message no longer exists, or when this
   *     answer cannot be parsed either (then the message cannot be read over IMAP at all)
   */
  private Message readWhole() {
    String cmd = "UID FETCH " + uid + " (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])";
    Response[] r = mailbox.inFolder(folder, "fetch UID " + uid, p -> Imap.run(p, cmd, null));
    for (Response x : r) {
      if (x instanceof FetchResponse fr && Imap.uidOf(fr) == uid) {
        BODY whole = body(fr, "");
        if (whole != null && whole.getByteArray() != null) {
          return whole(fr, whole.getByteArray());
        }
      }
    }
    long[] exists = mailbox.uidSearch(folder, "UID " + uid);
    if (exists.length == 0 || exists[0] != uid) {
      throw ImapMailbox.noSuchMessage("fetch", folder, uid);
    }
    LOG.warn("the server's answers for message UID {} in {} could not be parsed; it cannot be fetched", uid,
        folder.fullName());
    throw new dev.satchel.mail.MailCommandException("fetch UID " + uid, "the server's answers for message UID " + uid
        + " in " + folder.fullName() + " could not be parsed (neither the ENVELOPE and BODYSTRUCTURE nor the whole"
        + " message); it cannot be read over IMAP", null);
  }

  private Message whole(FetchResponse fr, ByteArray raw) {
    LOG.warn("the server's ENVELOPE or BODYSTRUCTURE for message UID {} in {} could not be parsed; the message was"
        + " fetched whole and parsed by Satchel", uid, folder.fullName());
    Message m = dev.satchel.mail.internal.MimeReader.read(
        new ByteArrayInputStream(raw.getBytes(), raw.getStart(), raw.getCount()), new dev.satchel.mail.Uid.Imap(validity, uid));
    List<String> all = new ArrayList<>();
    all.add(WHOLE);
    all.addAll(m.problems());
    org.eclipse.angus.mail.imap.protocol.FLAGS flags = fr.getItem(org.eclipse.angus.mail.imap.protocol.FLAGS.class);
    org.eclipse.angus.mail.imap.protocol.RFC822SIZE size = fr.getItem(org.eclipse.angus.mail.imap.protocol.RFC822SIZE.class);
    org.eclipse.angus.mail.imap.protocol.INTERNALDATE date =
        fr.getItem(org.eclipse.angus.mail.imap.protocol.INTERNALDATE.class);
    MessageSummary summary = new MessageSummary(m.uid(), flags == null ? java.util.Set.of() : Imap.systemFlags(flags),
        flags == null ? java.util.Set.of() : Imap.keywords(flags), size == null ? raw.getCount() : size.size,
        date == null || date.getDate() == null ? Optional.empty() : Optional.of(date.getDate().toInstant()),
        m.envelope(), all);
    return new Message(summary, m.headers(), m.text(), m.html(), m.parts(), all);
  }

  private static @Nullable BODY body(FetchResponse fr, String section) {
    for (int i = 0; i < fr.getItemCount(); i++) {
      if (fr.getItem(i) instanceof BODY b && section.equalsIgnoreCase(b.getSection() == null ? "" : b.getSection())) {
        return b;
      }
    }
    return null;
  }

  private static List<Header> headers(ByteArray ba) {
    List<Header> out = new ArrayList<>();
    try {
      InternetHeaders ih = new InternetHeaders(new ByteArrayInputStream(ba.getBytes(), ba.getStart(), ba.getCount()));
      for (Enumeration<jakarta.mail.Header> e = ih.getAllHeaders(); e.hasMoreElements(); ) {
        jakarta.mail.Header h = e.nextElement();
        out.add(new Header(h.getName(), Imap.decode(unfold(h.getValue()))));
      }
    } catch (MessagingException e) {
      // headers stay as far as they were read
    }
    return out;
  }

  private static String unfold(@Nullable String v) {
    return v == null ? "" : v.replaceAll("\r?\n[ \t]", " ").strip();
  }

  private void walk(BODYSTRUCTURE bs, String prefix) {
    if (bs.isMulti()) {
      BODYSTRUCTURE[] kids = bs.bodies == null ? new BODYSTRUCTURE[0] : bs.bodies;
      for (int i = 0; i < kids.length; i++) {
        walk(kids[i], prefix.isEmpty() ? Integer.toString(i + 1) : prefix + "." + (i + 1));
      }
      return;
    }
    String section = prefix.isEmpty() ? "1" : prefix;
    String type = mediaType(bs);
    boolean attachment = "attachment".equalsIgnoreCase(bs.disposition);
    if (!attachment && type.equals("text/plain") && text == null) {
      text = new Leaf(section, bs);
    } else if (!attachment && type.equals("text/html") && html == null) {
      html = new Leaf(section, bs);
    } else {
      attachments.add(new Leaf(section, bs));
    }
  }

  private static String mediaType(BODYSTRUCTURE bs) {
    String t = bs.type == null ? "application" : bs.type;
    String s = bs.subtype == null ? "octet-stream" : bs.subtype;
    return (t + "/" + s).toLowerCase(Locale.ROOT);
  }

  /** Fetches the text and HTML bodies in one command and decodes them. */
  private Map<String, String> fetchTexts() {
    Map<String, String> out = new LinkedHashMap<>();
    List<Leaf> wanted = new ArrayList<>();
    if (text != null) {
      wanted.add(text);
    }
    if (html != null) {
      wanted.add(html);
    }
    if (wanted.isEmpty()) {
      return out;
    }
    StringBuilder items = new StringBuilder("(UID");
    for (Leaf l : wanted) {
      items.append(" BODY.PEEK[").append(l.section()).append(']');
    }
    String cmd = "UID FETCH " + uid + " " + items.append(')');
    Response[] r = mailbox.inFolder(folder, "fetch UID " + uid, p -> Imap.run(p, cmd, null));
    for (Response x : r) {
      if (!(x instanceof FetchResponse fr) || Imap.uidOf(fr) != uid) {
        continue;
      }
      for (Leaf l : wanted) {
        BODY b = body(fr, l.section());
        if (b == null || b.getByteArray() == null) {
          problems.add("body part " + l.section() + " was not returned by the server");
          continue;
        }
        ByteArray ba = b.getByteArray();
        out.put(l.section(), decodeText(new ByteArrayInputStream(ba.getBytes(), ba.getStart(), ba.getCount()), l));
      }
    }
    return out;
  }

  private String decodeText(InputStream raw, Leaf leaf) {
    BODYSTRUCTURE bs = leaf.bs();
    Charset cs = charset(bs.cParams);
    try (InputStream in = decode(raw, bs.encoding)) {
      // Message.text()/html() promise line breaks as \n, as MimeReader gives them over POP3
      String text = new String(in.readAllBytes(), cs).replace("\r\n", "\n").replace('\r', '\n');
      if (in instanceof Base64DecodingInputStream b64 && !b64.problems().isEmpty()) {
        problems.add("part " + leaf.section() + " (" + mediaType(bs) + "): invalid base64: "
            + String.join("; ", b64.problems()) + "; decoded what could be read");
      }
      boolean plain = "text".equalsIgnoreCase(bs.type) && "plain".equalsIgnoreCase(bs.subtype);
      if (plain && bs.cParams != null && FlowedText.isFlowed(bs.cParams.get("format"))) {
        return FlowedText.unwrap(text, FlowedText.deletesSpace(bs.cParams.get("delsp")));
      }
      return text;
    } catch (IOException e) {
      problems.add("body part could not be decoded: " + e.getMessage());
      return "";
    }
  }

  private InputStream decode(InputStream raw, @Nullable String encoding) {
    if (encoding == null || encoding.isBlank()) {
      return raw;
    }
    if (encoding.strip().equalsIgnoreCase("base64")) {
      return new Base64DecodingInputStream(raw);
    }
    try {
      return MimeUtility.decode(raw, encoding.toLowerCase(Locale.ROOT));
    } catch (MessagingException e) {
      problems.add("unknown Content-Transfer-Encoding \"" + Imap.escape(encoding) + "\"; content left encoded");
      return raw;
    }
  }

  private Charset charset(@Nullable ParameterList params) {
    String name = params == null ? null : params.get("charset");
    if (name == null || name.isBlank()) {
      return StandardCharsets.UTF_8; // US-ASCII by default, of which UTF-8 is a superset
    }
    try {
      return Charset.forName(MimeUtility.javaCharset(name.strip()));
    } catch (RuntimeException e) {
      problems.add("unknown charset \"" + Imap.escape(name) + "\"; decoded as UTF-8");
      return StandardCharsets.UTF_8;
    }
  }

  private MessagePart part(Leaf leaf) {
    BODYSTRUCTURE bs = leaf.bs();
    String filename = null;
    if (bs.dParams != null) {
      filename = bs.dParams.get("filename");
    }
    if (filename == null && bs.cParams != null) {
      filename = bs.cParams.get("name");
    }
    if (filename != null) {
      filename = Imap.decode(filename);
    }
    String type = mediaType(bs);
    String cid = bs.id;
    if (cid != null) {
      cid = cid.strip();
      if (cid.startsWith("<") && cid.endsWith(">") && cid.length() > 2) {
        cid = cid.substring(1, cid.length() - 1);
      }
    }
    boolean inline = "inline".equalsIgnoreCase(bs.disposition) || (bs.disposition == null && cid != null);
    String encoding = bs.encoding == null ? "7bit" : bs.encoding.toLowerCase(Locale.ROOT);
    boolean identity = encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary");
    long size = identity && bs.size >= 0 ? bs.size : -1;
    int chunk = mailbox.options().partialFetchSize();
    String section = leaf.section();
    ImapMailbox box = mailbox;
    Folder f = folder;
    long v = validity;
    long u = uid;
    return new MessagePart(filename, type, cid, inline, size, () -> {
      InputStream raw = new PartialFetchInputStream(box, f, v, u, section, chunk);
      if (identity) {
        return raw;
      }
      if (encoding.strip().equals("base64")) {
        return new Base64DecodingInputStream(raw); // block decoding: several times Angus's speed
      }
      try {
        return MimeUtility.decode(raw, encoding);
      } catch (MessagingException e) {
        throw new IOException("unknown Content-Transfer-Encoding \"" + Imap.escape(encoding) + "\"", e);
      }
    });
  }
}
