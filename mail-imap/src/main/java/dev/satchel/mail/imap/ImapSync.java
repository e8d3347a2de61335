package dev.satchel.mail.imap;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.Response;

/**
 * {@link dev.satchel.mail.Mailbox#changesSince} over IMAP. The folder's counters are read first, then
 * the selected view is brought up to date (NOOP), then the changes are read, so a change that races
 * with the call is reported now or next time, never lost.
 *
 * <ul>
 *   <li>With QRESYNC (enabled when the folder is selected) and a saved HIGHESTMODSEQ: new, changed
 *       and removed messages from one {@code UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE n VANISHED)}.
 *   <li>With CONDSTORE only and a saved HIGHESTMODSEQ: new and changed messages from one
 *       {@code UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE n)}; removals from one {@code UID SEARCH} over
 *       the known UIDs.
 *   <li>Otherwise: every UID and its flags from one {@code UID FETCH 1:* (UID FLAGS)}, compared with
 *       the saved state.
 *   <li>A changed UIDVALIDITY voids every saved UID: {@code fullResyncNeeded}, every old message
 *       removed, every current one added.
 * </ul>
 *
 * Summaries of added and changed messages then come in batched UID FETCH commands.
 *
 * <p>A saved HIGHESTMODSEQ is a promise that the saved {@code known} map lists every message the
 * folder held at that modification sequence: the two CONDSTORE paths only look at what changed since,
 * so a message missing from {@code known} and unchanged since would be missed. A caller that knows
 * its map is incomplete (the InboxProcessor while messages are pending) passes the state without
 * HIGHESTMODSEQ and gets the full comparison. The returned state's {@code known} lists every message
 * present, given such a state.
 */
final class ImapSync {
  private final ImapMailbox mailbox;
  private final Folder folder;

  ImapSync(ImapMailbox mailbox, Folder folder) {
    this.mailbox = mailbox;
    this.folder = folder;
  }

  SyncState snapshot() {
    FolderStatus status = mailbox.status(folder);
    long validity = mailbox.uidValidity(folder);
    Map<Long, Set<String>> flags = mailbox.allFlags(folder);
    return state(validity, status, toKnown(validity, flags));
  }

  Changes changesSince(SyncState old) {
    FolderStatus status = mailbox.status(folder);
    long validity = mailbox.uidValidity(folder);
    // NOOP after the counters: a server may hold back news of the selected folder until a NOOP
    // (Dovecot's STATUS already counts a message that its selected view does not show yet). Without
    // this, a message counted by STATUS but missing from the FETCH below would be skipped for good,
    // because the saved state already claims its mod-sequence.
    mailbox.inFolder(folder, "NOOP", p -> Imap.run(p, "NOOP", null));
    boolean sameValidity = old.uidValidity().isPresent() && old.uidValidity().getAsLong() == validity;
    if (!sameValidity) {
      Map<Long, Set<String>> flags = mailbox.allFlags(folder);
      long[] uids = sorted(flags.keySet());
      List<MessageSummary> added = mailbox.summaries(folder, validity, uids);
      List<Uid> removed = new ArrayList<>();
      for (String id : old.known().keySet()) {
        removed.add(Uid.parse(id));
      }
      boolean full = old.uidValidity().isPresent();
      return new Changes(added, List.of(), removed, full, state(validity, status, known(added, validity)));
    }
    Map<Long, Set<String>> oldFlags = new HashMap<>();
    for (Map.Entry<String, Set<String>> e : old.known().entrySet()) {
      Uid u = Uid.parse(e.getKey());
      if (u instanceof Uid.Imap imap && imap.uidValidity() == validity) {
        oldFlags.put(imap.uid(), e.getValue());
      }
    }
    Map<Long, Set<String>> changedFlags;
    Set<Long> present;
    boolean condstore = mailbox.supports(Capability.CHANGES_SINCE) && old.highestModSeq().isPresent();
    if (status.messages() == 0) {
      changedFlags = Map.of();
      present = Set.of();
    } else if (condstore && mailbox.qresyncEnabled(folder)) {
      // QRESYNC: changes and removals in one command; VANISHED (EARLIER) may name more UIDs than were
      // known (RFC 7162 3.2.6), which the intersection with the saved UIDs drops
      long since = old.highestModSeq().getAsLong();
      Response[] r = mailbox.inFolder(folder, "changes in " + folder.fullName(),
          p -> Imap.run(p, "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE " + since + " VANISHED)", null));
      changedFlags = ImapMailbox.flagsFrom(r);
      changedFlags.keySet().forEach(mailbox::sawInView);
      Set<Long> vanished = Imap.vanishedEarlier(r);
      present = new java.util.HashSet<>(oldFlags.keySet());
      present.removeAll(vanished);
      present.addAll(changedFlags.keySet());
    } else if (condstore) {
      long since = old.highestModSeq().getAsLong();
      Response[] r = mailbox.inFolder(folder, "changes in " + folder.fullName(),
          p -> Imap.run(p, "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE " + since + ")", null));
      changedFlags = ImapMailbox.flagsFrom(r);
      changedFlags.keySet().forEach(mailbox::sawInView);
      long[] knownUids = sorted(oldFlags.keySet());
      long[] still = knownUids.length == 0 ? new long[0] : mailbox.uidSearch(folder, "UID " + Imap.uidSet(knownUids));
      present = new java.util.HashSet<>();
      for (long u : still) {
        present.add(u);
      }
      present.addAll(changedFlags.keySet());
    } else {
      changedFlags = mailbox.allFlags(folder);
      present = changedFlags.keySet();
    }
    List<Long> addedUids = new ArrayList<>();
    List<Long> changedUids = new ArrayList<>();
    for (Map.Entry<Long, Set<String>> e : changedFlags.entrySet()) {
      Set<String> before = oldFlags.get(e.getKey());
      if (before == null) {
        addedUids.add(e.getKey());
      } else if (!before.equals(e.getValue())) {
        changedUids.add(e.getKey());
      }
    }
    List<Uid> removed = new ArrayList<>();
    for (Long u : new java.util.TreeSet<>(oldFlags.keySet())) {
      if (!present.contains(u)) {
        removed.add(new Uid.Imap(validity, u));
      }
    }
    List<MessageSummary> added = mailbox.summaries(folder, validity, sorted(addedUids));
    List<MessageSummary> changed = mailbox.summaries(folder, validity, sorted(changedUids));
    Map<String, Set<String>> known = new TreeMap<>();
    for (Map.Entry<Long, Set<String>> e : oldFlags.entrySet()) {
      if (present.contains(e.getKey())) {
        known.put(new Uid.Imap(validity, e.getKey()).asString(), e.getValue());
      }
    }
    for (MessageSummary m : added) {
      known.put(m.uid().asString(), Imap.flagStrings(m));
    }
    for (MessageSummary m : changed) {
      known.put(m.uid().asString(), Imap.flagStrings(m));
    }
    return new Changes(added, changed, removed, false, state(validity, status, known));
  }

  private SyncState state(long validity, FolderStatus status, Map<String, Set<String>> known) {
    return new SyncState(folder.fullName(), OptionalLong.of(validity), status.uidNext(), status.highestModSeq(), known);
  }

  private static Map<String, Set<String>> toKnown(long validity, Map<Long, Set<String>> flags) {
    Map<String, Set<String>> out = new TreeMap<>();
    flags.forEach((u, f) -> out.put(new Uid.Imap(validity, u).asString(), f));
    return out;
  }

  private static Map<String, Set<String>> known(List<MessageSummary> all, long validity) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (MessageSummary m : all) {
      out.put(m.uid().asString(), Imap.flagStrings(m));
    }
    return out;
  }

  private static long[] sorted(java.util.Collection<Long> c) {
    long[] a = c.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
