package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.internal.MimeReader;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.ENVELOPE;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summaries of the messages of one folder that account for every message asked for: the answer
 * holds exactly the messages asked for that still exist, each once, and nothing else.
 *
 * <p>Angus drops a FETCH response it cannot parse (it logs "ignoring bad response" at FINE and goes
 * on), so a message whose ENVELOPE it cannot read would simply be missing from the answer. A message
 * missing from the {@link Imap#SUMMARY_ITEMS} answer is therefore fetched again with
 * {@link #HEADER_ITEMS}, and its envelope is read from the raw header by Satchel's own parser (as
 * over POP3), with a problem on the summary and a WARN in the log. When even that answer cannot be
 * read, a message that still exists (one {@code UID SEARCH} tells) is listed with only its UID and a
 * problem saying so; {@link dev.satchel.mail.Mailbox#fetch} of it then fails with a
 * {@link dev.satchel.mail.MailCommandException} that gives the reason, which an
 * {@link dev.satchel.mail.InboxProcessor} counts as a failed attempt and dead-letters after its
 * configured number. Messages expunged meanwhile are left out. FETCH data the server sends unasked
 * (another UID, or flags only) never takes a message's place.
 *
 * <p>One per listing; not thread-safe.
 */
final class ImapSummaries {
  private static final Logger LOG = LoggerFactory.getLogger(ImapSummaries.class);

  /** The items of the second try: no ENVELOPE, the raw header instead. */
  static final String HEADER_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])";

  static final String FROM_HEADER = "the server's ENVELOPE for this message could not be parsed;"
      + " the envelope was read from the raw header instead";
  static final String UNREADABLE = "the server's answers for this message could not be parsed (neither its ENVELOPE"
      + " nor its raw header): only its UID is known, and fetching it fails";

  private final ImapMailbox mailbox;
  private final Folder folder;
  private final long validity;
  private final AddressCache cache = new AddressCache();

  ImapSummaries(ImapMailbox mailbox, Folder folder, long validity) {
    this.mailbox = mailbox;
    this.folder = folder;
    this.validity = validity;
  }

  /** Summaries for sorted, distinct UIDs, one UID FETCH per batch, oldest first. */
  List<MessageSummary> byUid(long[] uids) {
    List<MessageSummary> out = new ArrayList<>(uids.length);
    int batch = mailbox.options().listBatchSize();
    for (int i = 0; i < uids.length; i += batch) {
      long[] chunk = Arrays.copyOfRange(uids, i, Math.min(uids.length, i + batch));
      String cmd = "UID FETCH " + Imap.uidSet(chunk) + " " + Imap.SUMMARY_ITEMS;
      Response[] r = mailbox.inFolder(folder, "list " + folder.fullName(), p -> Imap.run(p, cmd, null));
      Map<Long, MessageSummary> found = new TreeMap<>();
      for (Response x : r) {
        MessageSummary m = complete(x);
        if (m != null && Arrays.binarySearch(chunk, uidOf(m)) >= 0) {
          found.put(uidOf(m), m);
        }
      }
      found.putAll(recover(missing(chunk, found.keySet())));
      found.keySet().forEach(mailbox::sawInView);
      out.addAll(found.values());
    }
    return out;
  }

  /**
   * Summaries of the messages with sequence numbers {@code lo..hi}, newest first: one FETCH, and for
   * each sequence number not answered in full, one FETCH of the UIDs and {@link #recover}.
   */
  List<MessageSummary> bySequence(int lo, int hi) {
    String cmd = "FETCH " + lo + ":" + hi + " " + Imap.SUMMARY_ITEMS;
    Response[] r = mailbox.inFolder(folder, "listNewest " + folder.fullName(), p -> Imap.run(p, cmd, null));
    Map<Integer, MessageSummary> bySeq = new TreeMap<>();
    for (Response x : r) {
      MessageSummary m = complete(x);
      if (m != null) {
        int seq = ((FetchResponse) x).getNumber();
        if (seq >= lo && seq <= hi) {
          bySeq.putIfAbsent(seq, m);
        }
      }
    }
    Map<Long, MessageSummary> byUid = new TreeMap<>(java.util.Collections.reverseOrder());
    bySeq.values().forEach(m -> byUid.put(uidOf(m), m));
    if (bySeq.size() < hi - lo + 1) {
      List<Integer> gaps = new ArrayList<>();
      for (int s = lo; s <= hi; s++) {
        if (!bySeq.containsKey(s)) {
          gaps.add(s);
        }
      }
      String set = gaps.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
      Response[] ids = mailbox.inFolder(folder, "listNewest " + folder.fullName(),
          p -> Imap.run(p, "FETCH " + set + " (UID)", null));
      List<Long> uids = new ArrayList<>();
      for (Response x : ids) {
        if (x instanceof FetchResponse fr && gaps.contains(fr.getNumber()) && Imap.uidOf(fr) > 0
            && !byUid.containsKey(Imap.uidOf(fr))) {
          uids.add(Imap.uidOf(fr));
        }
      }
      byUid.putAll(recover(uids.stream().mapToLong(Long::longValue).sorted().distinct().toArray()));
    }
    byUid.keySet().forEach(mailbox::sawInView);
    return new ArrayList<>(byUid.values());
  }

  /** The summary in a FETCH response that carries the whole {@link Imap#SUMMARY_ITEMS}, else null. */
  private @Nullable MessageSummary complete(Response x) {
    if (!(x instanceof FetchResponse fr) || fr.getItem(ENVELOPE.class) == null || fr.getItem(FLAGS.class) == null) {
      return null;
    }
    return Imap.summary(fr, validity, cache);
  }

  private static long uidOf(MessageSummary m) {
    return ((Uid.Imap) m.uid()).uid();
  }

  private static long[] missing(long[] asked, Set<Long> found) {
    return Arrays.stream(asked).filter(u -> !found.contains(u)).toArray();
  }

  /**
   * Summaries for messages whose ENVELOPE answer was missing: from their raw header, or with only
   * their UID when that cannot be read either; UIDs that no longer exist are left out.
   */
  private Map<Long, MessageSummary> recover(long[] uids) {
    Map<Long, MessageSummary> out = new LinkedHashMap<>();
    if (uids.length == 0) {
      return out;
    }
    String cmd = "UID FETCH " + Imap.uidSet(uids) + " " + HEADER_ITEMS;
    Response[] r = mailbox.inFolder(folder, "list " + folder.fullName(), p -> Imap.run(p, cmd, null));
    for (Response x : r) {
      if (x instanceof FetchResponse fr && Arrays.binarySearch(uids, Imap.uidOf(fr)) >= 0 && header(fr) != null) {
        long uid = Imap.uidOf(fr);
        out.put(uid, fromHeader(fr, uid));
        LOG.warn("the server's ENVELOPE for message UID {} in {} could not be parsed; its envelope was read from the raw"
            + " header", uid, folder.fullName());
      }
    }
    long[] still = missing(uids, out.keySet());
    if (still.length > 0) {
      for (long uid : mailbox.uidSearch(folder, "UID " + Imap.uidSet(still))) {
        if (Arrays.binarySearch(still, uid) >= 0) {
          LOG.warn("the server's answers for message UID {} in {} could not be parsed; it is listed with its UID only",
              uid, folder.fullName());
          out.put(uid, new MessageSummary(new Uid.Imap(validity, uid), Set.of(), Set.of(), 0, Optional.empty(),
              Imap.emptyEnvelope(), List.of(UNREADABLE)));
        }
      }
    }
    return out;
  }

  private static @Nullable ByteArray header(FetchResponse fr) {
    for (int i = 0; i < fr.getItemCount(); i++) {
      if (fr.getItem(i) instanceof BODY b && "HEADER".equalsIgnoreCase(b.getSection()) && b.getByteArray() != null) {
        return b.getByteArray();
      }
    }
    return null;
  }

  private MessageSummary fromHeader(FetchResponse fr, long uid) {
    List<String> problems = new ArrayList<>();
    problems.add(FROM_HEADER);
    ByteArray ba = header(fr);
    dev.satchel.mail.Envelope envelope = Imap.emptyEnvelope();
    if (ba != null) {
      try {
        InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(ba.getBytes(), ba.getStart(), ba.getCount()));
        envelope = MimeReader.envelope(headers, problems::add);
      } catch (MessagingException e) {
        problems.add("the raw header could not be read either: " + e.getMessage());
      }
    }
    FLAGS flags = fr.getItem(FLAGS.class);
    RFC822SIZE size = fr.getItem(RFC822SIZE.class);
    INTERNALDATE date = fr.getItem(INTERNALDATE.class);
    Optional<Instant> internal = date == null || date.getDate() == null
        ? Optional.empty() : Optional.of(date.getDate().toInstant());
    return new MessageSummary(new Uid.Imap(validity, uid), flags == null ? Set.of() : Imap.systemFlags(flags),
        flags == null ? Set.of() : Imap.keywords(flags), size == null ? 0 : size.size, internal, envelope, problems);
  }
}
