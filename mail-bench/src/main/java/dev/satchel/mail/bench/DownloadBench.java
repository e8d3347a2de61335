package dev.satchel.mail.bench;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.zip.CRC32;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * Scenario 2: download the decoded attachment of one message carrying a {@code size}-byte binary
 * attachment (base64 on the wire), checking its CRC-32. Each variant on a fresh connection. The
 * {@code raw...} variants read the whole message undecoded instead (what {@code Mailbox.openRaw}
 * gives), checked against the length and CRC-32 of the message appended.
 *
 * <p>Heap growth is measured in a separate, untimed run: a full GC before the download gives the
 * baseline, and full GCs when a quarter, half and three quarters of the bytes have been read give
 * the live heap then; the growth is the largest of those minus the baseline.
 */
final class DownloadBench {

  private final BenchTarget target;
  private final int size;
  private final long crc;
  private long uid = -1;
  /** Length and CRC-32 of the whole message as appended, computed on first use. */
  private long rawLength = -1;
  private long rawCrc;
  /** One folder per attachment size, so that a folder seeded for another size is never mistaken for this one. */
  private final String folderName;

  DownloadBench(BenchTarget target, int size) {
    this.target = target;
    this.size = size;
    this.crc = Corpus.attachmentCrc(size);
    this.folderName = "bench-big-" + size;
  }

  /** Makes sure the folder holds exactly the one big message, and finds its UID. */
  void seed() throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.ensureFolder(folderName);
      if (imap.messages(folderName) != 1) {
        System.out.printf("    seeding %s with one message carrying a %d-byte attachment%n", folderName, size);
        imap.deleteAll(folderName);
        imap.append(folderName, Corpus.bigMessage(size));
      }
      List<Long> uids = imap.uids(folderName);
      uid = uids.get(0);
    }
  }

  /** Counts and checks the bytes; optionally samples the live heap at quarter points. */
  final class Sink {
    private final CRC32 crc32 = new CRC32();
    private long bytes;
    private final boolean probe;
    private final long expectedBytes;
    private final long expectedCrc;
    private int nextQuarter = 1;
    private long maxLive;

    /** A sink for the decoded attachment. */
    Sink(boolean probe) {
      this(probe, size, crc);
    }

    private Sink(boolean probe, long expectedBytes, long expectedCrc) {
      this.probe = probe;
      this.expectedBytes = expectedBytes;
      this.expectedCrc = expectedCrc;
    }

    void accept(byte[] b, int n) {
      crc32.update(b, 0, n);
      bytes += n;
      Budget.check(bytes, expectedBytes);
      if (probe) {
        while (nextQuarter < 4 && bytes >= expectedBytes * nextQuarter / 4) {
          maxLive = Math.max(maxLive, liveHeap());
          nextQuarter++;
        }
      }
    }

    void drain(InputStream in) throws IOException {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        accept(buf, n);
      }
    }

    long finish() {
      if (bytes != expectedBytes || crc32.getValue() != expectedCrc) {
        throw new IllegalStateException("read " + bytes + " bytes with CRC " + Long.toHexString(crc32.getValue())
            + ", expected " + expectedBytes + " bytes with CRC " + Long.toHexString(expectedCrc));
      }
      return bytes;
    }
  }

  static long liveHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** A download: reads the attachment into the sink. */
  @FunctionalInterface
  interface Download {
    void into(Sink sink) throws Exception;
  }

  Runner.Task timed(Download d) {
    return () -> {
      Sink s = new Sink(false);
      d.into(s);
      return s.finish();
    };
  }

  /** A timed run of a variant that reads the whole message undecoded. */
  Runner.Task timedRaw(Download d) {
    if (rawLength < 0) {
      byte[] message = Corpus.bigMessage(size);
      CRC32 c = new CRC32();
      c.update(message);
      rawLength = message.length;
      rawCrc = c.getValue();
    }
    return () -> {
      Sink s = new Sink(false, rawLength, rawCrc);
      d.into(s);
      return s.finish();
    };
  }

  /** The live heap growth of one untimed run, in bytes. */
  long heapGrowth(Download d) throws Exception {
    long base = liveHeap();
    Sink s = new Sink(true);
    d.into(s);
    s.finish();
    return Math.max(0, s.maxLive - base);
  }

  /** Satchel: {@code fetch} (structure and text only) and {@code MessagePart.open()} on the attachment. */
  void satchel(Sink sink) throws IOException {
    satchel(sink, target.satchel(Protocol.IMAP), MailboxOptions.defaults());
  }

  /** Satchel as above, with these settings (a proxy's, say) and options. */
  void satchel(Sink sink, MailSettings settings, MailboxOptions options) throws IOException {
    try (Mailbox mailbox = Mailbox.connect(settings, options)) {
      Folder folder = mailbox.folder(folderName).orElseThrow();
      long validity = ((Uid.Imap) mailbox.list(folder).get(0).uid()).uidValidity();
      Message m = mailbox.fetch(folder, new Uid.Imap(validity, uid));
      MessagePart part = m.attachments().get(0);
      try (InputStream in = part.open()) {
        sink.drain(in);
      }
    }
  }

  /** Satchel, whole message: {@code Mailbox.openRaw} (partial fetches of {@code MailboxOptions.partialFetchSize}). */
  void satchelRaw(Sink sink) throws IOException {
    try (Mailbox mailbox = Mailbox.connect(target.satchel(Protocol.IMAP), MailboxOptions.defaults())) {
      Folder folder = mailbox.folder(folderName).orElseThrow();
      long validity = ((Uid.Imap) mailbox.list(folder).get(0).uid()).uidValidity();
      try (InputStream in = mailbox.openRaw(folder, new Uid.Imap(validity, uid))) {
        sink.drain(in);
      }
    }
  }

  /** Satchel's own IMAP engine (preview), whole message: one {@code UID FETCH uid (BODY.PEEK[])}, streamed. */
  void satchelEngineRaw(Sink sink) {
    dev.satchel.mail.imap.EnginePreview.streamSection(target.satchel(Protocol.IMAP), folderName, uid, "", false,
        java.time.Duration.ofMinutes(5), sink::drain);
  }

  /** Satchel's own IMAP engine (preview): one {@code UID FETCH uid (BODY.PEEK[2])}, the literal streamed and decoded. */
  void satchelEngine(Sink sink) {
    dev.satchel.mail.imap.EnginePreview.streamSection(target.satchel(dev.satchel.mail.Protocol.IMAP), folderName, uid,
        "2", true, java.time.Duration.ofMinutes(5), sink::drain);
  }

  /** Angus defaults: {@code getContent()} to a Multipart, then the attachment part's {@code getInputStream()}. */
  void angusDefaults(Sink sink) throws MessagingException, IOException {
    withAngusMessage(target.angus("imap"), m -> angusAttachment(m, sink));
  }

  /** As {@link #angusDefaults}, with {@code mail.imap.fetchsize} 1 MiB and {@code mail.imap.partialfetch} on. */
  void angusFetchSize(Sink sink) throws MessagingException, IOException {
    withAngusMessage(angusOneMebibyte(), m -> angusAttachment(m, sink));
  }

  /** Angus, whole message: {@code IMAPMessage.getMimeStream()} with 1 MiB partial fetches. */
  void angusRawFetchSize(Sink sink) throws MessagingException, IOException {
    withAngusMessage(angusOneMebibyte(), m -> {
      try (InputStream in = m.getMimeStream()) {
        sink.drain(in);
      }
    });
  }

  private Properties angusOneMebibyte() {
    Properties p = target.angus("imap");
    p.setProperty("mail.imap.fetchsize", "1048576");
    p.setProperty("mail.imap.partialfetch", "true");
    return p;
  }

  private static void angusAttachment(IMAPMessage m, Sink sink) throws MessagingException, IOException {
    Multipart mp = (Multipart) m.getContent();
    for (int i = 0; i < mp.getCount(); i++) {
      BodyPart p = mp.getBodyPart(i);
      if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
        try (InputStream in = p.getInputStream()) {
          sink.drain(in);
        }
      }
    }
  }

  /** Reads one Angus message. */
  @FunctionalInterface
  private interface AngusRead {
    void read(IMAPMessage m) throws MessagingException, IOException;
  }

  /** Connects Angus with these session properties, opens the folder read-only and reads the big message. */
  private void withAngusMessage(Properties properties, AngusRead read) throws MessagingException, IOException {
    Session session = Session.getInstance(properties);
    Store store = session.getStore("imap");
    store.connect(target.user().login(), target.user().password());
    try {
      IMAPFolder folder = (IMAPFolder) store.getFolder(folderName);
      folder.open(jakarta.mail.Folder.READ_ONLY);
      try {
        read.read((IMAPMessage) folder.getMessageByUID(uid));
      } finally {
        folder.close(false);
      }
    } finally {
      store.close();
    }
  }

  /** The floor: one {@code UID FETCH uid (BODY.PEEK[2])} on a plain socket, base64-decoded as it streams. */
  void rawSocket(Sink sink) throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.ok("EXAMINE " + RawImap.quote(folderName));
      Base64Stream decoder = new Base64Stream(sink);
      imap.streamSection(uid, "2", decoder::write);
      decoder.finish();
    }
  }

  /** The floor, whole message: one {@code UID FETCH uid (BODY.PEEK[])} on a plain socket, not decoded. */
  void rawSocketRaw(Sink sink) throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.ok("EXAMINE " + RawImap.quote(folderName));
      imap.streamSection(uid, "", sink::accept);
    }
  }

  /** Decodes MIME base64 (line breaks ignored) pushed to it in chunks. */
  static final class Base64Stream {
    private final Sink sink;
    private final byte[] quad = new byte[64 * 1024];
    private int have;
    private final byte[] out = new byte[48 * 1024];

    Base64Stream(Sink sink) {
      this.sink = sink;
    }

    void write(byte[] b, int n) {
      for (int i = 0; i < n; i++) {
        byte c = b[i];
        if (c == '\r' || c == '\n') {
          continue;
        }
        quad[have++] = c;
        if (have == quad.length) {
          flush();
        }
      }
    }

    /** Decodes a full buffer (its length is a multiple of 4). */
    private void flush() {
      int len = Base64.getDecoder().decode(quad, out);
      sink.accept(out, len);
      have = 0;
    }

    void finish() {
      if (have > 0) {
        byte[] rest = Base64.getDecoder().decode(java.util.Arrays.copyOf(quad, have));
        sink.accept(rest, rest.length);
        have = 0;
      }
    }
  }
}
