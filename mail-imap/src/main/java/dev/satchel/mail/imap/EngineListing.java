package dev.satchel.mail.imap;

import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapSession;
import dev.satchel.mail.imap.engine.ImapValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Listing a folder on Satchel's own engine: EXAMINE, one {@code UID SEARCH ALL}, then the summary
 * batches pipelined in a bounded window of {@value #WINDOW} commands. Every UID asked for is
 * accounted for: a UID the answer left out is reported in {@link Result#missing()}, never dropped
 * silently; unsolicited FETCH data for UIDs not asked for is ignored. Kept for mail-bench's engine
 * variants (a bare session, no {@code Mailbox}), measured there beside {@code Mailbox.list}, which
 * lists by sequence ranges on the same engine (see {@link ImapSummaries}).
 */
final class EngineListing {
  /** Messages per UID FETCH. */
  static final int BATCH = 500;
  /**
   * UID FETCH commands sent at once (32,000 messages): the commands are a few bytes each, so the server
   * never waits for the next one; with a window of 4 it sat idle for a round trip every 2,000 messages.
   */
  static final int WINDOW = 64;

  private EngineListing() {}

  /** The summaries in UID order, and the UIDs the server did not answer for. */
  record Result(List<MessageSummary> summaries, List<Long> missing) {}

  static Result list(ImapSession session, String folder) {
    long[] uidValidity = {0};
    session.execute("EXAMINE " + ImapSession.quoteName(folder), r -> {
      if (r.code() != null && r.code().size() == 2 && r.code().get(0) instanceof ImapValue.Atom a && a.is("UIDVALIDITY")
          && r.code().get(1) instanceof ImapValue.Atom v) {
        uidValidity[0] = v.number();
      }
    });
    List<Long> found = new ArrayList<>();
    session.execute("UID SEARCH ALL", r -> {
      try {
        for (long u : ImapReplies.searchUids(r)) {
          found.add(u);
        }
      } catch (dev.satchel.mail.internal.ServerLimitException e) {
        throw new dev.satchel.mail.MailConnectionException("UID SEARCH failed: " + e.getMessage(), e);
      }
    });
    long[] uids = found.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    Map<Long, MessageSummary> byUid = new HashMap<>(uids.length * 2);
    AddressCache cache = new AddressCache();
    List<String> commands = new ArrayList<>();
    for (int from = 0; from < uids.length; from += BATCH) {
      long[] batch = Arrays.copyOfRange(uids, from, Math.min(uids.length, from + BATCH));
      commands.add("UID FETCH " + UidSet.format(batch) + " " + ImapSummaries.SUMMARY_ITEMS);
    }
    java.util.Set<Long> wanted = new java.util.HashSet<>(uids.length * 2);
    for (long u : uids) {
      wanted.add(u);
    }
    for (int i = 0; i < commands.size(); i += WINDOW) {
      session.pipeline(commands.subList(i, Math.min(commands.size(), i + WINDOW)), r -> {
        ImapValue.ListValue items = EngineFetch.fetchItems(r);
        if (items == null) {
          return;
        }
        long uid = EngineFetch.uid(items);
        if (wanted.contains(uid) && !byUid.containsKey(uid)) {
          byUid.put(uid, EngineFetch.summary(items, uidValidity[0], cache, r.problem()));
        }
      });
    }
    List<MessageSummary> out = new ArrayList<>(uids.length);
    List<Long> missing = new ArrayList<>();
    for (long u : uids) {
      MessageSummary s = byUid.get(u);
      if (s == null) {
        missing.add(u);
      } else {
        out.add(s);
      }
    }
    return new Result(out, missing);
  }
}
