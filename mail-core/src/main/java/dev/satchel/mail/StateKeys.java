package dev.satchel.mail;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The default key of an {@link InboxProcessor} built from {@link MailSettings}, and the keys earlier
 * versions used for the same account and folder.
 *
 * <p>The key names the account and the folder: protocol, user, host (lower case) and folder, as in
 * {@code "imap:alice@example.com@imap.example.com/INBOX"}. It leaves out the port and the security,
 * which change how the processor reaches the same mailbox, not which mailbox it is: moving an account
 * from 143 with STARTTLS to 993 with TLS keeps its state.
 *
 * <p>Earlier versions put the port in the key ({@code "imap:alice@example.com@imap.example.com:143/INBOX"}).
 * {@link #load} finds such a state when nothing is stored under the new key yet, so upgrading (and
 * changing the port at the same time) hands nothing over again. Stateless.
 */
final class StateKeys {
  private StateKeys() {}

  /** The default key for {@code folder} of the account in {@code settings}. */
  static String of(MailSettings settings, String folder) {
    Server server = settings.server();
    return settings.protocol().name().toLowerCase(Locale.ROOT) + ":" + user(settings) + "@"
        + server.host().toLowerCase(Locale.ROOT) + "/" + folder;
  }

  /**
   * The keys earlier versions would have used for this account and folder, most likely first: with
   * the settings' port, then with each well-known port of the protocol (for IMAP 143 and 993, for
   * POP3 110 and 995), since the port may have changed with the upgrade.
   */
  static List<String> earlier(MailSettings settings, String folder) {
    Server server = settings.server();
    Set<Integer> ports = new LinkedHashSet<>();
    ports.add(server.port());
    for (Security security : Security.values()) {
      ports.add(settings.protocol().defaultPort(security));
    }
    List<String> keys = new ArrayList<>(ports.size());
    for (int port : ports) {
      keys.add(settings.protocol().name().toLowerCase(Locale.ROOT) + ":" + user(settings) + "@" + server.host() + ":"
          + port + "/" + folder);
    }
    return List.copyOf(keys);
  }

  /**
   * The state under {@code key}; when there is none, the first state found under one of {@code
   * earlier}, which the caller then saves under {@code key} (the earlier entry is left as it is).
   */
  static Optional<Found> load(SyncStateStore store, String key, List<String> earlier) {
    Optional<SyncState> now = store.load(key);
    if (now.isPresent()) {
      return Optional.of(new Found(key, now.get()));
    }
    for (String old : earlier) {
      Optional<SyncState> state = store.load(old);
      if (state.isPresent()) {
        return Optional.of(new Found(old, state.get()));
      }
    }
    return Optional.empty();
  }

  /** A state and the key it was found under. */
  record Found(String key, SyncState state) {
    Found {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(state, "state");
    }
  }

  private static String user(MailSettings settings) {
    Credentials c = settings.credentials();
    return c == null ? "" : c.username();
  }
}
