package dev.satchel.mail.imap;

import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.internal.ServerLimitException;

/** Lets the engine package's tests read answers the way the mailbox does. */
public final class ImapRepliesAccess {
  private ImapRepliesAccess() {}

  /** {@link ImapReplies#searchUids}. */
  public static long[] searchUids(ImapResponse r) throws ServerLimitException {
    return ImapReplies.searchUids(r);
  }
}
