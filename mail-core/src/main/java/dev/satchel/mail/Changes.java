package dev.satchel.mail;

import java.util.List;

/**
 * What changed in a folder since a saved {@link SyncState}.
 *
 * @param added messages that are new since the state
 * @param changed messages whose flags or keywords changed
 * @param removed messages that are gone
 * @param fullResyncNeeded true when the folder's UIDVALIDITY changed: every UID in the old state is
 *     void, {@code added} then lists every message and {@code removed} every old one
 * @param state the state to save for the next call
 */
public record Changes(
    List<MessageSummary> added, List<MessageSummary> changed, List<Uid> removed, boolean fullResyncNeeded, SyncState state) {

  /** Copies the lists. */
  public Changes {
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
  }

  /** True when nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && changed.isEmpty() && removed.isEmpty() && !fullResyncNeeded;
  }
}
