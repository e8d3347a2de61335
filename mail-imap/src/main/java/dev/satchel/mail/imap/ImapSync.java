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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link dev.satchel.mail.Mailbox#changesSince} over IMAP. The folder's counters are always read
 * before the changes they cover, so a change that races with the call is reported now or next time,
 * never lost.
 *
 * <ul>
 *   <li>With QRESYNC, a saved UIDVALIDITY and HIGHESTMODSEQ, and the folder not selected on this
 *       connection yet (a fresh {@code Mailbox}, a watch after a reconnect): one resynchronising
 *       {@code SELECT folder (QRESYNC (uidvalidity modseq))} (RFC 7162 3.2.5) answers with the
 *       counters, a {@code VANISHED (EARLIER)} response for the removals and a FETCH for each new or
 *       changed message; no STATUS, NOOP or {@code CHANGEDSINCE} fetch follows.
 *   <li>Otherwise the counters come from STATUS, then the selected view is brought up to date (NOOP),
 *       then the changes are read:
 *       <ul>
 *         <li>with QRESYNC (enabled when the folder is selected) and a saved HIGHESTMODSEQ: new,
 *             changed and removed messages from one
 *             {@code UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE n VANISHED)};
 *         <li>with CONDSTORE only and a saved HIGHESTMODSEQ: new and changed messages from one
 *             {@code UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE n)}; removals from one
 *             {@code UID SEARCH} over the known UIDs;
 *         <li>otherwise: every UID and its flags from one {@code UID FETCH 1:* (UID FLAGS)},
 *             compared with the saved state.
 *       </ul>
 *   <li>{@code VANISHED (EARLIER)} may name UIDs that were never known (RFC 7162 3.2.6, and no
 *       known-UIDs list is sent with the resynchronising SELECT): only the saved UIDs it names count.
 *   <li>A changed UIDVALIDITY voids every saved UID: {@code fullResyncNeeded}, every old message
 *       removed, every current one added.
 * </ul>
 *
 * Summaries of added and changed messages then come in batched UID FETCH commands (one for both
 * lists when they fit in one batch).
 *
 * <p>A saved HIGHESTMODSEQ is a promise that the saved {@code known} map lists every message the
 * folder held at that modification sequence: the QRESYNC and CONDSTORE paths only look at what
 * changed since, so a message missing from {@code known} and unchanged since would be missed. A
 * caller that knows its map is incomplete (the InboxProcessor while messages are pending) passes the
 * state without HIGHESTMODSEQ and gets the full comparison. The returned state's {@code known} lists
 * every message present, given such a state.
 */
final class ImapSync {
  private final ImapMailbox mailbox;
  private final Folder folder;

  ImapSync(ImapMailbox mailbox, Folder folder) {
    this.mailbox = mailbox;
    this.folder = folder;
  }

  /** The folder's state now: counters first, then the selected view brought up to date, then flags. */
  SyncState snapshot() {
    FolderStatus status = mailbox.counters(folder);
    mailbox.refreshIfSelected(folder);
    long validity = mailbox.uidValidity(folder);
    Map<Long, Set<String>> flags = mailbox.allFlags(folder);
    Map<String, Set<String>> known = new TreeMap<>();
    flags.forEach((u, f) -> known.put(new Uid.Imap(validity, u).asString(), f));
    return state(validity, status.uidNext(), status.highestModSeq(), known);
  }

  Changes changesSince(SyncState old) {
    if (old.uidValidity().isPresent() && old.highestModSeq().isPresent()
        && mailbox.supports(Capability.CHANGES_SINCE)) {
      ImapChannel.Resync r = mailbox.selectWithResync(folder, old.uidValidity().getAsLong(),
          old.highestModSeq().getAsLong());
      if (r != null && (r.uidValidity() != old.uidValidity().getAsLong() || r.highestModSeq().isPresent())) {
        return resynced(old, r);
      }
      // null: the folder was selected already, or QRESYNC is not to be had; no HIGHESTMODSEQ in the
      // answer: the folder keeps no mod-sequences (NOMODSEQ). Either way the paths below apply.
    }
    FolderStatus status = mailbox.counters(folder);
    long validity = mailbox.uidValidity(folder);
    // NOOP after the counters: a server may hold back news of the selected folder until a NOOP
    // (Dovecot's STATUS already counts a message that its selected view does not show yet). Without
    // this, a message counted by STATUS but missing from the FETCH below would be skipped for good,
    // because the saved state already claims its mod-sequence.
    mailbox.noop(folder);
    boolean sameValidity = old.uidValidity().isPresent() && old.uidValidity().getAsLong() == validity;
    if (!sameValidity) {
      return fullResync(old, validity, status.uidNext(), status.highestModSeq());
    }
    Map<Long, Set<String>> oldFlags = knownFlags(old, validity);
    Map<Long, Set<String>> changedFlags;
    Set<Long> present;
    boolean condstore = mailbox.supports(Capability.CHANGES_SINCE) && old.highestModSeq().isPresent();
    if (status.messages() == 0) {
      changedFlags = Map.of();
      present = Set.of();
    } else if (condstore && mailbox.qresyncEnabled()) {
      long since = old.highestModSeq().getAsLong();
      Map<Long, Set<String>> got = new HashMap<>();
      Set<Long> vanished = new HashSet<>();
      mailbox.channel().run(folder, "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE " + since + " VANISHED)", r -> {
        ImapMailbox.flagsFrom(r, got);
        Vanished v = mailbox.channel().vanished(r);
        if (v != null && v.earlier()) {
          for (long u : v.uids()) {
            vanished.add(u);
          }
        }
      });
      changedFlags = got;
      present = present(oldFlags, vanished, changedFlags);
    } else if (condstore) {
      long since = old.highestModSeq().getAsLong();
      Map<Long, Set<String>> got = new HashMap<>();
      mailbox.channel().run(folder, "UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE " + since + ")",
          r -> ImapMailbox.flagsFrom(r, got));
      changedFlags = got;
      long[] knownUids = sorted(oldFlags.keySet());
      long[] still = knownUids.length == 0 ? new long[0] : mailbox.uidSearch(folder, "UID " + UidSet.format(knownUids));
      present = new HashSet<>();
      for (long u : still) {
        present.add(u);
      }
      present.addAll(changedFlags.keySet());
    } else {
      changedFlags = mailbox.allFlags(folder);
      present = changedFlags.keySet();
    }
    return changes(validity, oldFlags, changedFlags, present, status.uidNext(), status.highestModSeq());
  }

  /** The answer from a resynchronising SELECT, whose counters and changes describe the same moment. */
  private Changes resynced(SyncState old, ImapChannel.Resync r) {
    long validity = r.uidValidity();
    if (validity != old.uidValidity().getAsLong()) {
      return fullResync(old, validity, r.uidNext(), r.highestModSeq());
    }
    Map<Long, Set<String>> oldFlags = knownFlags(old, validity);
    Set<Long> present = present(oldFlags, r.vanished(), r.changed());
    return changes(validity, oldFlags, r.changed(), present, r.uidNext(), r.highestModSeq());
  }

  /** Every saved UID is void: all old messages removed, all current ones added. */
  private Changes fullResync(SyncState old, long validity, OptionalLong uidNext, OptionalLong highestModSeq) {
    Map<Long, Set<String>> flags = mailbox.allFlags(folder);
    List<MessageSummary> added = mailbox.summaries(folder, validity, sorted(flags.keySet()));
    List<Uid> removed = new ArrayList<>();
    for (String id : old.known().keySet()) {
      removed.add(Uid.parse(id));
    }
    Map<String, Set<String>> known = new TreeMap<>();
    for (MessageSummary m : added) {
      known.put(m.uid().asString(), Imap.flagStrings(m));
    }
    boolean full = old.uidValidity().isPresent();
    return new Changes(added, List.of(), removed, full, state(validity, uidNext, highestModSeq, known));
  }

  /** The saved UIDs of this UIDVALIDITY and their flags. */
  private static Map<Long, Set<String>> knownFlags(SyncState old, long validity) {
    Map<Long, Set<String>> oldFlags = new HashMap<>();
    for (Map.Entry<String, Set<String>> e : old.known().entrySet()) {
      Uid u = Uid.parse(e.getKey());
      if (u instanceof Uid.Imap imap && imap.uidValidity() == validity) {
        oldFlags.put(imap.uid(), e.getValue());
      }
    }
    return oldFlags;
  }

  /** The saved UIDs not vanished, and every UID reported changed or new. */
  private static Set<Long> present(Map<Long, Set<String>> oldFlags, Set<Long> vanished, Map<Long, Set<String>> changed) {
    Set<Long> present = new HashSet<>(oldFlags.keySet());
    present.removeAll(vanished);
    present.addAll(changed.keySet());
    return present;
  }

  /**
   * Compares the reported flags with the saved ones: UIDs not saved are added, saved ones with other
   * flags changed, saved ones no longer present removed; fetches the summaries of the first two.
   */
  private Changes changes(long validity, Map<Long, Set<String>> oldFlags, Map<Long, Set<String>> changedFlags,
      Set<Long> present, OptionalLong uidNext, OptionalLong highestModSeq) {
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
    for (Long u : new TreeSet<>(oldFlags.keySet())) {
      if (!present.contains(u)) {
        removed.add(new Uid.Imap(validity, u));
      }
    }
    // one batched fetch for both lists
    List<Long> both = new ArrayList<>(addedUids);
    both.addAll(changedUids);
    Set<Long> isAdded = new HashSet<>(addedUids);
    List<MessageSummary> added = new ArrayList<>();
    List<MessageSummary> changed = new ArrayList<>();
    for (MessageSummary m : mailbox.summaries(folder, validity, sorted(both))) {
      (isAdded.contains(((Uid.Imap) m.uid()).uid()) ? added : changed).add(m);
    }
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
    return new Changes(added, changed, removed, false, state(validity, uidNext, highestModSeq, known));
  }

  private SyncState state(long validity, OptionalLong uidNext, OptionalLong highestModSeq,
      Map<String, Set<String>> known) {
    return new SyncState(folder.fullName(), OptionalLong.of(validity), uidNext, highestModSeq, known);
  }

  private static long[] sorted(java.util.Collection<Long> c) {
    long[] a = c.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }
}
