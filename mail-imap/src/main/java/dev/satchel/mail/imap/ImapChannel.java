package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.imap.engine.ImapCommand;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapResponseParser;
import dev.satchel.mail.imap.engine.ImapSession;
import dev.satchel.mail.imap.engine.ImapValue;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection on Satchel's engine with the view of its selected folder: every command of a
 * {@link ImapMailbox} (and of a watch) runs here, so a mailbox needs one connection. It logs in,
 * compresses when asked, sends ID, enables QRESYNC (or CONDSTORE), selects folders on demand and routes
 * every untagged answer through the {@link FolderView} before the caller sees it. Not thread-safe, except
 * {@link #done()} and {@link #abort()}, which a watch calls from another thread.
 */
final class ImapChannel implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapChannel.class);

  private final MailSettings settings;
  private final ImapSession session;
  private final Set<String> enabled = new HashSet<>();
  private @Nullable FolderView view;
  /** Told of unsolicited news about the selected folder (a watch), or null. */
  private volatile @Nullable Runnable serverChange;
  /** The personal namespace prefix ("" or e.g. "INBOX."), asked for on the first folder creation. */
  private @Nullable String personalPrefix;

  private ImapChannel(MailSettings settings, ImapSession session) {
    this.settings = settings;
    this.session = session;
  }

  /**
   * Connects and logs in (see {@link ImapSession#open}), then COMPRESS when {@code options} ask for it
   * and the server offers it; then, pipelined in one round trip, ID when offered (a refusal is only
   * logged), ENABLE QRESYNC (else CONDSTORE) when offered, and the SELECT of {@code selectFirst}.
   *
   * @param readSlack added to the read timeout: a watch's IDLE waits this long for news
   * @param selectFirst the folder to select right away, or null
   */
  static ImapChannel open(MailSettings settings, MailboxOptions options, Duration readSlack,
      @Nullable Folder selectFirst) {
    MailSettings s = readSlack.isZero() ? settings
        : settings.toBuilder().readTimeout(settings.readTimeout().plus(readSlack)).build();
    ImapSession session = ImapSession.open(s, settings.operationTimeout());
    ImapChannel c = new ImapChannel(settings, session);
    try {
      if (ImapMailbox.compress(options.compression(), settings.server().host())) {
        session.compress();
      }
      List<String> commands = new ArrayList<>();
      int id = -1;
      int enable = -1;
      int select = -1;
      if (session.has("ID")) {
        id = commands.size();
        commands.add("ID (\"name\" \"Satchel\" \"vendor\" \"dev.satchel\")");
      }
      List<String> extensions = new ArrayList<>();
      if (session.has("QRESYNC")) {
        extensions.add("QRESYNC");
      } else if (session.has("CONDSTORE")) {
        extensions.add("CONDSTORE");
      }
      if (session.has("UTF8=ACCEPT")) {
        extensions.add("UTF8=ACCEPT"); // folder names in UTF-8 instead of modified UTF-7 (RFC 6855)
      }
      String extension = String.join(" ", extensions);
      if (!extensions.isEmpty() && session.has("ENABLE")) {
        enable = commands.size();
        commands.add("ENABLE " + extension);
      }
      FolderView first = selectFirst == null ? null : new FolderView(selectFirst.fullName());
      if (selectFirst != null) {
        select = commands.size();
        commands.add("SELECT " + mailbox(selectFirst.fullName())
            + (enable < 0 && session.has("CONDSTORE") ? " (CONDSTORE)" : ""));
      }
      if (commands.isEmpty()) {
        return c;
      }
      List<ImapResponse> done = session.pipeline(commands, r -> {
        c.takeEnabled(r);
        if (first != null) {
          first.apply(r);
        }
      });
      if (id >= 0 && !done.get(id).is("OK")) {
        LOG.debug("IMAP ID was refused by {}: {}", settings.server(), done.get(id).text());
      }
      if (enable >= 0 && !done.get(enable).is("OK")) {
        LOG.debug("ENABLE {} was refused by {}: {}", extension, settings.server(), done.get(enable).text());
      }
      if (first != null && selectFirst != null) {
        ImapResponse selected = done.get(select);
        if (!selected.is("OK")) {
          throw new MailCommandException("select " + selectFirst.fullName(), selected.text(), null);
        }
        first.apply(selected);
        c.view = first;
      }
      return c;
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private void takeEnabled(ImapResponse r) {
    if (r.kind() == ImapResponse.Kind.UNTAGGED && r.item(0) instanceof ImapValue.Atom a && a.is("ENABLED")) {
      for (ImapValue v : r.items().subList(1, r.items().size())) {
        if (v instanceof ImapValue.Atom e) {
          enabled.add(e.text().toUpperCase(Locale.ROOT));
        }
      }
    }
  }

  MailSettings settings() {
    return settings;
  }

  /** True when the server advertised {@code capability} (for example "UIDPLUS"). */
  boolean has(String capability) {
    return session.has(capability);
  }

  /** True when {@code extension} was enabled with ENABLE (QRESYNC, CONDSTORE). */
  boolean enabled(String extension) {
    return enabled.contains(extension.toUpperCase(Locale.ROOT));
  }

  /** A folder name as an IMAP astring in a command: modified UTF-7 (RFC 3501 section 5.1.3), quoted. */
  static String mailbox(String fullName) {
    String wire = fullName.equalsIgnoreCase(Folder.INBOX) ? Folder.INBOX : MailboxNames.encode(fullName);
    return quote(wire);
  }

  /**
   * A folder name as this connection writes it: UTF-8 in a quoted string once UTF8=ACCEPT is enabled
   * (RFC 6855 section 3), modified UTF-7 otherwise (see {@link #mailbox(String)}).
   */
  String name(String fullName) {
    return utf8() && !fullName.equalsIgnoreCase(Folder.INBOX) ? quote(fullName) : mailbox(fullName);
  }

  /** True once UTF8=ACCEPT is enabled: folder names and strings travel as UTF-8. */
  boolean utf8() {
    return enabled("UTF8=ACCEPT");
  }

  /** An IMAP quoted string of 7-bit text (RFC 3501 section 4.3). */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  // ---------------------------------------------------------------- running commands

  /** Routes an untagged answer through the view, and tells a watch of news it did not ask for. */
  private Consumer<ImapResponse> routed(Consumer<ImapResponse> untagged, boolean asksForFetch) {
    return r -> {
      FolderView v = view;
      if (v != null && v.apply(r)) {
        Runnable news = serverChange;
        boolean fetch = r.item(1) instanceof ImapValue.Atom verb && verb.is("FETCH");
        if (news != null && !(fetch && asksForFetch)) {
          news.run();
        }
      }
      untagged.accept(r);
    };
  }

  private static boolean asksForFetch(String command) {
    String c = command.toUpperCase(Locale.ROOT);
    return c.startsWith("UID FETCH") || c.startsWith("FETCH") || c.startsWith("UID STORE") || c.startsWith("STORE")
        || c.startsWith("SELECT") || c.startsWith("EXAMINE");
  }

  /** Runs {@code command} on the connection, whatever folder is selected; untagged answers to {@code untagged}. */
  ImapResponse run(String command, Consumer<ImapResponse> untagged) {
    return session.execute(command, routed(untagged, asksForFetch(command)));
  }

  /** Runs {@code command} and returns its untagged answers. */
  List<ImapResponse> collect(String command) {
    List<ImapResponse> out = new ArrayList<>();
    run(command, out::add);
    return out;
  }

  /** Runs a command with literals. */
  ImapResponse run(ImapCommand command, Consumer<ImapResponse> untagged) {
    return session.execute(command, routed(untagged, asksForFetch(command.name())), null);
  }

  /** Runs {@code command} in {@code folder}, selecting it first. */
  ImapResponse run(Folder folder, String command, Consumer<ImapResponse> untagged) {
    select(folder);
    return run(command, untagged);
  }

  /** Runs {@code command} in {@code folder} and returns its untagged answers. */
  List<ImapResponse> collect(Folder folder, String command) {
    select(folder);
    return collect(command);
  }

  /** As {@link #run(Folder, String, Consumer)}, with large literals streamed to {@code sink}. */
  ImapResponse run(Folder folder, String command, Consumer<ImapResponse> untagged,
      ImapResponseParser.@Nullable LiteralSink sink) {
    select(folder);
    return session.execute(command, routed(untagged, asksForFetch(command)), sink);
  }

  /** Sends {@code commands} at once in {@code folder} (selected first); their tagged completions in order. */
  List<ImapResponse> pipeline(Folder folder, List<String> commands, Consumer<ImapResponse> untagged) {
    select(folder);
    boolean fetch = commands.stream().allMatch(ImapChannel::asksForFetch);
    return session.pipeline(commands, routed(untagged, fetch));
  }

  /**
   * Sends {@code commands} in {@code folder} (selected first) without reading the answers: the server
   * works while the caller goes on; see {@link ImapSession.Ahead}.
   */
  ImapSession.Ahead sendAhead(Folder folder, List<String> commands, Consumer<ImapResponse> untagged) {
    select(folder);
    boolean fetch = commands.stream().allMatch(ImapChannel::asksForFetch);
    return session.send(commands, routed(untagged, fetch));
  }

  // ---------------------------------------------------------------- the selected folder

  /** The selected folder's view, or null. */
  @Nullable FolderView view() {
    return view;
  }

  /** True when {@code folder} is the selected folder. */
  boolean isSelected(Folder folder) {
    FolderView v = view;
    return v != null && v.name().equals(folder.fullName());
  }

  /** Selects {@code folder} (read-write) unless it is selected; its view. */
  FolderView select(Folder folder) {
    FolderView v = view;
    if (v != null && v.name().equals(folder.fullName())) {
      return v;
    }
    FolderView fresh = new FolderView(folder.fullName());
    view = null; // a SELECT that fails leaves no folder selected (RFC 3501 section 6.3.1)
    String command = "SELECT " + name(folder.fullName()) + (enabled("CONDSTORE") || enabled("QRESYNC")
        || !has("CONDSTORE") ? "" : " (CONDSTORE)");
    try {
      ImapResponse done = session.execute(command, fresh::apply);
      fresh.apply(done);
    } catch (MailCommandException e) {
      throw new MailCommandException("select " + folder.fullName(), e.serverResponse(), null);
    }
    view = fresh;
    return fresh;
  }

  /** What a resynchronising SELECT reported about the changes since the client's HIGHESTMODSEQ. */
  record Resync(long uidValidity, OptionalLong uidNext, OptionalLong highestModSeq, Map<Long, Set<String>> changed,
      Set<Long> vanished) {}

  /**
   * Selects {@code folder} with QRESYNC's resynchronising SELECT (RFC 7162 section 3.2.5):
   * {@code SELECT folder (QRESYNC (uidValidity modSeq))}. The server answers with the folder's
   * counters, a {@code VANISHED (EARLIER)} response for messages expunged since {@code modSeq} and a
   * FETCH (UID, FLAGS, MODSEQ) for each message changed or added since. When the UIDVALIDITY differs the
   * server reports no changes, and {@link Resync#uidValidity()} tells. No known-UIDs list is sent:
   * Dovecot limits the FETCH part to the UIDs named there, so messages added since would go unreported;
   * the VANISHED part may therefore name UIDs the client never knew.
   *
   * @return the answer, or null when {@code folder} is already selected, QRESYNC is not enabled, or the
   *     server refused this SELECT (then the folder is selected the plain way, or that fails as
   *     {@link #select} does)
   */
  @Nullable Resync selectWithResync(Folder folder, long uidValidity, long modSeq) {
    if (isSelected(folder) || !enabled("QRESYNC")) {
      return null;
    }
    FolderView fresh = new FolderView(folder.fullName());
    view = null;
    Map<Long, Set<String>> changed = new HashMap<>();
    Set<Long> vanished = new HashSet<>();
    String command = "SELECT " + name(folder.fullName()) + " (QRESYNC (" + uidValidity + " " + modSeq + "))";
    try {
      ImapResponse done = session.execute(command, r -> {
        fresh.apply(r);
        Vanished v = vanished(r);
        if (v != null) {
          for (long u : v.uids()) {
            vanished.add(u);
          }
        }
        ImapValue.ListValue items = EngineFetch.fetchItems(r);
        ImapValue flags = items == null ? null : EngineFetch.item(items, "FLAGS");
        if (items != null && EngineFetch.uid(items) > 0 && flags != null) {
          changed.put(EngineFetch.uid(items), Imap.flagStrings(flags));
        }
      });
      fresh.apply(done);
    } catch (MailCommandException e) {
      LOG.debug("resynchronising SELECT of {} failed, selecting it the plain way: {}", folder.fullName(), e.getMessage());
      select(folder);
      return null;
    }
    view = fresh;
    return new Resync(fresh.uidValidity(), fresh.uidNext() > 0 ? OptionalLong.of(fresh.uidNext()) : OptionalLong.empty(),
        fresh.highestModSeq() > 0 ? OptionalLong.of(fresh.highestModSeq()) : OptionalLong.empty(), changed, vanished);
  }

  /**
   * Leaves the selected folder without expunging anything: UNSELECT (RFC 3691) when offered, else
   * EXAMINE of the same folder and CLOSE (which expunges nothing in a read-only folder).
   */
  void unselect() {
    FolderView v = view;
    if (v == null) {
      return;
    }
    view = null;
    try {
      if (has("UNSELECT")) {
        session.execute("UNSELECT", r -> { });
      } else {
        session.execute("EXAMINE " + name(v.name()), r -> { });
        session.execute("CLOSE", r -> { });
      }
    } catch (MailCommandException e) {
      LOG.debug("leaving folder {} failed: {}", v.name(), e.getMessage());
    }
  }

  /**
   * Asks the server for news (NOOP) when {@code folder} is the selected folder. A server may hold back
   * EXISTS and EXPUNGE for the selected folder until a command allows them (Dovecot computes UID SEARCH
   * on the session's current view), so without this a listing would miss messages delivered, expunged or
   * moved through another connection since the folder was selected. A folder not yet selected needs
   * nothing: SELECT reports its current state.
   */
  void refreshIfSelected(Folder folder) {
    if (isSelected(folder)) {
      run("NOOP", r -> { });
    }
  }

  /**
   * Makes sure the selected view of {@code folder} holds {@code uids}, sending a NOOP when one may be
   * newer than the view. A server evaluates a UID set against what it has told the session (Dovecot
   * silently skips a UID it has not announced with EXISTS yet), so without this a UID STORE, COPY, MOVE,
   * EXPUNGE or FETCH of a message appended through another connection after the folder was selected
   * would do nothing.
   */
  void ensureInView(Folder folder, long[] uids) {
    FolderView v = select(folder);
    for (long u : uids) {
      if (v.mayMiss(u)) {
        run("NOOP", r -> { });
        return;
      }
    }
  }

  /** Calls {@code onChange} whenever the server tells of news about the selected folder unasked. */
  void onServerChange(@Nullable Runnable onChange) {
    serverChange = onChange;
  }

  /** The personal namespace prefix (RFC 2342), asked for once; "" without NAMESPACE. */
  String personalPrefix() {
    String p = personalPrefix;
    if (p != null) {
      return p;
    }
    String prefix = "";
    if (has("NAMESPACE")) {
      for (ImapResponse r : collect("NAMESPACE")) {
        Namespace n = ImapReplies.personalNamespace(r);
        if (n != null) {
          prefix = n.prefix();
        }
      }
    }
    personalPrefix = prefix;
    return prefix;
  }

  // ---------------------------------------------------------------- bounded reply parsing

  /** {@link ImapReplies#searchUids}; a set past {@link ImapReplies#MAX_UIDS} closes the connection. */
  long[] searchUids(ImapResponse r) {
    try {
      return ImapReplies.searchUids(r);
    } catch (dev.satchel.mail.internal.ServerLimitException e) {
      throw overLimit("UID SEARCH", e);
    }
  }

  /** {@link ImapReplies#vanished}; a set past {@link ImapReplies#MAX_UIDS} closes the connection. */
  @Nullable Vanished vanished(ImapResponse r) {
    try {
      return ImapReplies.vanished(r);
    } catch (dev.satchel.mail.internal.ServerLimitException e) {
      throw overLimit("VANISHED", e);
    }
  }

  /** {@link ImapReplies#copyUid}; a set past {@link ImapReplies#MAX_UIDS} closes the connection. */
  @Nullable CopyUid copyUid(ImapResponse r) {
    try {
      return ImapReplies.copyUid(r);
    } catch (dev.satchel.mail.internal.ServerLimitException e) {
      throw overLimit("COPYUID", e);
    }
  }

  private MailException overLimit(String operation, dev.satchel.mail.internal.ServerLimitException e) {
    session.abort();
    return dev.satchel.mail.internal.MailExceptions.translate(operation, settings.server(), e);
  }

  // ---------------------------------------------------------------- IDLE

  /**
   * Runs one IDLE in {@code folder} (selected first) until {@link #done()}, news from the server (when
   * {@code stopOnNews}), or {@code maxWait}.
   */
  void idle(Folder folder, Duration maxWait, boolean stopOnNews) {
    select(folder);
    Consumer<ImapResponse> r = routed(x -> { }, false);
    session.idle(maxWait, x -> {
      r.accept(x);
      if (stopOnNews && isNews(x)) {
        session.done();
      }
    });
  }

  private static boolean isNews(ImapResponse r) {
    if (r.kind() != ImapResponse.Kind.UNTAGGED) {
      return false;
    }
    if (r.item(1) instanceof ImapValue.Atom verb && (verb.is("EXISTS") || verb.is("EXPUNGE") || verb.is("FETCH"))) {
      return true;
    }
    return r.item(0) instanceof ImapValue.Atom a && a.is("VANISHED");
  }

  /** Ends a running IDLE; callable from any thread. */
  void done() {
    session.done();
  }

  /** Closes the connection at once, without LOGOUT; callable from any thread, to end a blocked read. */
  void abort() {
    session.abort();
  }

  boolean isClosed() {
    return session.isClosed();
  }

  MailException fail(String operation, Exception e) {
    return dev.satchel.mail.internal.MailExceptions.translate(operation, settings.server(), e);
  }

  @Override
  public void close() {
    view = null;
    session.close();
  }
}
