package dev.satchel.mail.imap;

import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one connection knows of its selected folder, kept current from the server's answers: the
 * counters SELECT reported, then every EXISTS, EXPUNGE and VANISHED (RFC 3501 section 7.3.1 and 7.4.1,
 * RFC 7162 section 3.2.10) and each UID the server named. Only the connection's thread changes it; the
 * message count may be read from any thread.
 */
final class FolderView {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FolderView.class);
  private final String name;
  private long uidValidity;
  private long uidNext = -1;
  private long highestModSeq = -1;
  private boolean noModSeq;
  private volatile int exists;
  private boolean readOnly;
  private @Nullable Set<String> permanentFlags;
  /**
   * The view holds every existing message with a lower UID: SELECT's UIDNEXT, raised past each UID the
   * server reported since (see {@link #saw}); -1 when unknown.
   */
  private long viewUidNext = -1;

  FolderView(String name) {
    this.name = name;
  }

  /** The folder's full name as the caller gave it. */
  String name() {
    return name;
  }

  /** UIDVALIDITY from SELECT, or 0 when the server sent none. */
  long uidValidity() {
    return uidValidity;
  }

  /** UIDNEXT from SELECT, or -1. */
  long uidNext() {
    return uidNext;
  }

  /** HIGHESTMODSEQ from SELECT (CONDSTORE), or -1; -1 as well after NOMODSEQ. */
  long highestModSeq() {
    return noModSeq ? -1 : highestModSeq;
  }

  /** The message count as the server last reported it. */
  int exists() {
    return exists;
  }

  /** True when the server selected the folder read-only ({@code [READ-ONLY]}). */
  boolean readOnly() {
    return readOnly;
  }

  /** PERMANENTFLAGS upper case, or null when the server did not send them. */
  @Nullable Set<String> permanentFlags() {
    return permanentFlags;
  }

  /** True when a message with {@code uid} may be newer than what the server has told this connection. */
  boolean mayMiss(long uid) {
    return viewUidNext <= 0 || uid >= viewUidNext;
  }

  /** Notes that the server named {@code uid}: the view holds every older message that still exists. */
  void saw(long uid) {
    if (uid >= viewUidNext) {
      viewUidNext = uid + 1;
    }
  }

  /**
   * Takes what {@code r} says about the selected folder.
   *
   * @return true when {@code r} is news about its messages (an EXISTS that changes the count, EXPUNGE,
   *     VANISHED without EARLIER, or FETCH), which a watch wants to hear of
   */
  boolean apply(ImapResponse r) {
    List<ImapValue> code = r.code();
    if (code != null && !code.isEmpty() && code.get(0) instanceof ImapValue.Atom key) {
      applyCode(key.text().toUpperCase(Locale.ROOT), code);
      return false;
    }
    if (r.kind() != ImapResponse.Kind.UNTAGGED) {
      return false;
    }
    if (r.items().size() >= 2 && r.item(0) instanceof ImapValue.Atom n && r.item(1) instanceof ImapValue.Atom verb) {
      long number = n.number();
      if (verb.is("EXISTS") && number >= 0) {
        long max = dev.satchel.mail.internal.WireLimits.DEFAULT.maxMessages();
        if (number > max) {
          // nothing is sized by it here, but no real folder holds that many: a server saying so is broken
          throw new dev.satchel.mail.MailConnectionException("the server announced " + number + " EXISTS for " + name
              + ", so the connection was closed; the limit is " + max + " (maxMessages)");
        }
        boolean changed = exists != number;
        exists = (int) number;
        return changed; // some servers repeat an unchanged EXISTS on every NOOP: not news
      }
      if (verb.is("EXPUNGE")) {
        if (number < 1 || number > exists) {
          // the count cannot be trusted any more; the next SELECT or NOOP's EXISTS sets it again
          LOG.warn("the server expunged message number {} in {}, which holds {} messages as far as it said",
              n.text(), name, exists);
        }
        exists = Math.max(0, exists - 1);
        return true;
      }
      if (verb.is("FETCH")) {
        if (r.item(2) instanceof ImapValue.ListValue items) {
          long uid = EngineFetch.uid(items);
          if (uid > 0) {
            saw(uid);
          }
        }
        return true;
      }
    }
    if (r.item(0) instanceof ImapValue.Atom a && a.is("VANISHED")) {
      Vanished v;
      try {
        v = ImapReplies.vanished(r);
      } catch (dev.satchel.mail.internal.ServerLimitException e) {
        throw new dev.satchel.mail.MailConnectionException("VANISHED failed: " + e.getMessage(), e);
      }
      if (v != null && !v.earlier()) {
        exists = (int) Math.max(0, exists - (long) v.uids().length);
        return true;
      }
      return false;
    }
    return false;
  }

  /** A mod-sequence (RFC 7162: 1 to 2^63-1), or -1 when {@code v} is not one. */
  static long modSeq(@Nullable ImapValue v) {
    if (!(v instanceof ImapValue.Atom a) || a.text().isEmpty() || a.text().length() > 19) {
      return -1;
    }
    try {
      long n = Long.parseLong(a.text());
      return n > 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void applyCode(String key, List<ImapValue> code) {
    long value = code.size() > 1 && code.get(1) instanceof ImapValue.Atom v ? v.number() : -1;
    switch (key) {
      case "UIDVALIDITY" -> {
        if (value > 0) {
          uidValidity = value;
        }
      }
      case "UIDNEXT" -> {
        if (value > 0) {
          uidNext = value;
          if (viewUidNext < value) {
            viewUidNext = value;
          }
        }
      }
      case "HIGHESTMODSEQ" -> {
        highestModSeq = modSeq(code.size() > 1 ? code.get(1) : null);
      }
      case "NOMODSEQ" -> noModSeq = true;
      case "READ-ONLY" -> readOnly = true;
      case "READ-WRITE" -> readOnly = false;
      case "PERMANENTFLAGS" -> {
        if (code.size() > 1 && code.get(1) instanceof ImapValue.ListValue l) {
          java.util.Set<String> flags = new java.util.HashSet<>();
          for (ImapValue f : l.items()) {
            if (f instanceof ImapValue.Atom a) {
              flags.add(a.text().toUpperCase(Locale.ROOT));
            }
          }
          permanentFlags = Set.copyOf(flags);
        }
      }
      default -> {
        // other codes say nothing about the folder's messages
      }
    }
  }

  @Override
  public String toString() {
    return "FolderView[" + name + ", exists=" + exists + ", uidValidity=" + uidValidity + "]";
  }
}
