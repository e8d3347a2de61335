package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.MimeReader;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Summaries of the messages of one folder that account for every message asked for: the answer
 * holds exactly the messages asked for that still exist, each once, and nothing else.
 *
 * <p>The batches of {@code UID FETCH} are pipelined in a bounded window of {@value #WINDOW} commands.
 * A FETCH answer the engine could not read completely is kept with a problem; a message whose answer
 * lacks its UID or ENVELOPE is fetched again with {@link #HEADER_ITEMS}, and its envelope is read from
 * the raw header by Satchel's own parser (as over POP3), with a problem on the summary and a WARN in
 * the log. When even that answer cannot be read, a message that still exists (one {@code UID SEARCH}
 * tells) is listed with only its UID and a problem saying so; {@link dev.satchel.mail.Mailbox#fetch}
 * of it then fails with a {@link dev.satchel.mail.MailCommandException} that gives the reason, which an
 * {@link dev.satchel.mail.InboxProcessor} counts as a failed attempt and dead-letters after its
 * configured number. Messages expunged meanwhile are left out. FETCH data the server sends unasked
 * (another UID, or flags only) never takes a message's place.
 *
 * <p>One per listing; not thread-safe.
 */
final class ImapSummaries {
  private static final Logger LOG = LoggerFactory.getLogger(ImapSummaries.class);

  /** The summary items. */
  static final String SUMMARY_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)";
  /** The items of the second try: no ENVELOPE, the raw header instead. */
  static final String HEADER_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])";
  /**
   * UID FETCH commands sent at once: the commands are a few bytes each, so the server never waits for
   * the next one; with a window of 4 Dovecot sat idle for a round trip every 2,000 messages.
   */
  static final int WINDOW = 64;

  static final String FROM_HEADER = "the server's ENVELOPE for this message could not be parsed;"
      + " the envelope was read from the raw header instead";
  static final String UNREADABLE = "the server's answers for this message could not be parsed (neither its ENVELOPE"
      + " nor its raw header): only its UID is known, and fetching it fails";

  private final ImapChannel channel;
  private final Folder folder;
  private final long validity;
  private final int batch;
  private final AddressCache cache = new AddressCache();

  ImapSummaries(ImapChannel channel, Folder folder, long validity, int batch) {
    this.channel = channel;
    this.folder = folder;
    this.validity = validity;
    this.batch = batch;
  }

  /** Summaries for sorted, distinct UIDs, oldest first. */
  List<MessageSummary> byUid(long[] uids) {
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < uids.length; i += batch) {
      long[] chunk = Arrays.copyOfRange(uids, i, Math.min(uids.length, i + batch));
      commands.add("UID FETCH " + UidSet.format(chunk) + " " + SUMMARY_ITEMS);
    }
    Map<Long, MessageSummary> found = new HashMap<>(uids.length * 2);
    for (int i = 0; i < commands.size(); i += WINDOW) {
      channel.pipeline(folder, commands.subList(i, Math.min(commands.size(), i + WINDOW)), r -> {
        ImapValue.ListValue items = EngineFetch.fetchItems(r);
        if (items == null) {
          return;
        }
        long uid = EngineFetch.uid(items);
        if (uid > 0 && Arrays.binarySearch(uids, uid) >= 0 && !found.containsKey(uid) && complete(items)) {
          found.put(uid, EngineFetch.summary(items, validity, cache, r.problem()));
        }
      });
    }
    TreeMap<Long, MessageSummary> sorted = new TreeMap<>(found);
    sorted.putAll(recover(Arrays.stream(uids).filter(u -> !found.containsKey(u)).toArray()));
    FolderView v = channel.view();
    if (v != null) {
      sorted.keySet().forEach(v::saw);
    }
    return new ArrayList<>(sorted.values());
  }

  private static boolean complete(ImapValue.ListValue items) {
    return EngineFetch.item(items, "ENVELOPE") instanceof ImapValue.ListValue;
  }

  /**
   * Summaries of the messages with sequence numbers {@code lo..hi}, oldest first, in batched FETCH
   * commands pipelined like {@link #byUid}. No UID SEARCH is needed: every sequence number is asked
   * for, and one not answered in full is looked up by {@code FETCH n (UID)} and {@link #recover}ed.
   * Sequence numbers stay put across these commands: a server may not send EXPUNGE while answering
   * FETCH (RFC 3501 section 7.4.1), and only FETCH commands are in flight.
   */
  List<MessageSummary> bySequences(int lo, int hi) {
    if (hi < lo) {
      return new ArrayList<>();
    }
    List<String> commands = new ArrayList<>();
    for (long from = lo; from <= hi; from += batch) {
      long to = Math.min(hi, from + batch - 1);
      String set = to == from ? Long.toString(from) : from + ":" + to;
      commands.add("FETCH " + set + " " + SUMMARY_ITEMS);
    }
    MessageSummary[] bySeq = new MessageSummary[hi - lo + 1];
    for (int i = 0; i < commands.size(); i += WINDOW) {
      channel.pipeline(folder, commands.subList(i, Math.min(commands.size(), i + WINDOW)), r -> {
        ImapValue.ListValue items = EngineFetch.fetchItems(r);
        if (items != null && complete(items) && EngineFetch.uid(items) > 0 && r.item(0) instanceof ImapValue.Atom n) {
          long seq = n.number();
          if (seq >= lo && seq <= hi) {
            MessageSummary had = bySeq[(int) (seq - lo)];
            if (had == null) {
              bySeq[(int) (seq - lo)] = EngineFetch.summary(items, validity, cache, r.problem());
            } else if (uidOf(had) != EngineFetch.uid(items)) {
              LOG.warn("the server answered message number {} in {} twice, as UID {} and as UID {}; the first answer"
                  + " is kept", seq, folder.fullName(), uidOf(had), EngineFetch.uid(items));
            }
          }
        }
      });
    }
    TreeMap<Long, MessageSummary> byUid = new TreeMap<>();
    List<String> gaps = new ArrayList<>();
    for (int k = 0; k < bySeq.length; k++) {
      MessageSummary m = bySeq[k];
      if (m == null) {
        gaps.add(Integer.toString(lo + k));
      } else {
        byUid.put(uidOf(m), m);
      }
    }
    if (!gaps.isEmpty()) {
      Set<Long> gapSet = new java.util.HashSet<>();
      gaps.forEach(g -> gapSet.add(Long.parseLong(g)));
      List<Long> uids = new ArrayList<>();
      for (int i = 0; i < gaps.size(); i += batch) {
        String set = String.join(",", gaps.subList(i, Math.min(gaps.size(), i + batch)));
        channel.run(folder, "FETCH " + set + " (UID)", r -> {
          ImapValue.ListValue items = EngineFetch.fetchItems(r);
          if (items != null && r.item(0) instanceof ImapValue.Atom n && gapSet.contains(n.number())) {
            long uid = EngineFetch.uid(items);
            if (uid > 0 && !byUid.containsKey(uid)) {
              uids.add(uid);
            }
          }
        });
      }
      byUid.putAll(recover(uids.stream().mapToLong(Long::longValue).sorted().distinct().toArray()));
    }
    FolderView v = channel.view();
    if (v != null) {
      byUid.keySet().forEach(v::saw);
    }
    return new ArrayList<>(byUid.values());
  }

  private static long uidOf(MessageSummary m) {
    return ((Uid.Imap) m.uid()).uid();
  }

  /**
   * Summaries for messages whose ENVELOPE answer was missing or unreadable: from their raw header, or
   * with only their UID when that cannot be read either; UIDs that no longer exist are left out.
   */
  private Map<Long, MessageSummary> recover(long[] uids) {
    Map<Long, MessageSummary> out = new LinkedHashMap<>();
    if (uids.length == 0) {
      return out;
    }
    channel.run(folder, "UID FETCH " + UidSet.format(uids) + " " + HEADER_ITEMS, r -> {
      ImapValue.ListValue items = EngineFetch.fetchItems(r);
      if (items == null) {
        return;
      }
      long uid = EngineFetch.uid(items);
      byte[] header = header(items);
      if (uid > 0 && Arrays.binarySearch(uids, uid) >= 0 && header != null && !out.containsKey(uid)) {
        out.put(uid, fromHeader(items, header, uid, r.problem()));
        LOG.warn("the server's ENVELOPE for message UID {} in {} could not be parsed; its envelope was read from the raw"
            + " header", uid, folder.fullName());
      }
    });
    long[] still = Arrays.stream(uids).filter(u -> !out.containsKey(u)).toArray();
    if (still.length > 0) {
      List<Long> existing = new ArrayList<>();
      channel.run(folder, "UID SEARCH UID " + UidSet.format(still), r -> {
        for (long u : channel.searchUids(r)) {
          existing.add(u);
        }
      });
      for (long uid : existing) {
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

  /** The raw header in a FETCH item list ({@code BODY[HEADER]}), or null. */
  static byte @Nullable [] header(ImapValue.ListValue items) {
    List<ImapValue> l = items.items();
    for (int i = 0; i + 1 < l.size(); i += 2) {
      if (l.get(i) instanceof ImapValue.Atom a && a.text().toUpperCase(java.util.Locale.ROOT).startsWith("BODY[HEADER]")
          && l.get(i + 1) instanceof ImapValue.Str s) {
        return s.bytes();
      }
    }
    return null;
  }

  private MessageSummary fromHeader(ImapValue.ListValue items, byte[] header, long uid, @Nullable String rawProblem) {
    MessageSummary base = EngineFetch.summary(items, validity, cache, rawProblem);
    List<String> problems = new ArrayList<>();
    problems.add(FROM_HEADER);
    problems.addAll(base.problems());
    dev.satchel.mail.Envelope envelope = Imap.emptyEnvelope();
    try {
      InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(header));
      envelope = MimeReader.envelope(headers, problems::add);
    } catch (MessagingException e) {
      problems.add("the raw header could not be read either: " + e.getMessage());
    }
    return new MessageSummary(new Uid.Imap(validity, uid), base.flags(), base.keywords(), base.size(),
        base.internalDate(), envelope, problems);
  }
}
