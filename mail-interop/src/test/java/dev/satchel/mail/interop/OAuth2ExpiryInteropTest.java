package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Changes;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Transport;
import dev.satchel.mail.Watch;
import dev.satchel.mail.interop.OAuth2Fixture.RecordingTokenSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Access tokens that expire during a session, on the real servers: the authorization server issues
 * tokens that live 3 seconds. Dovecot and Postfix check a token only when a client logs in, so an
 * open session outlives its token; the next connection (a new session, or a watch's reconnect) gets a
 * refreshed one, with exactly one refresh request. Each test waits until the server itself calls the
 * token expired (introspection), no longer.
 */
@Interop
class OAuth2ExpiryInteropTest {
  private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3);
  private static final Duration EXPIRY_WAIT = Duration.ofSeconds(15);
  private static final String REFRESH = "refresh_token";
  @RegisterExtension
  static final OAuth2Fixture oauth = OAuth2Fixture.withAccessTokensLiving(TOKEN_LIFETIME);
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("carol", "dave");
  }

  private String deliver(String user, String what) {
    String subject = Mail.uniqueSubject(what);
    Lmtp.deliver(harness.lmtpPort(), Harness.address(user), Mail.raw(user, subject));
    return subject;
  }

  private static List<String> subjects(Mailbox mailbox) {
    return mailbox.list(mailbox.inbox()).stream().map(s -> s.envelope().subject()).toList();
  }

  /** Waits until the authorization server calls the token last handed out expired, then zeroes its counts. */
  private static void awaitExpiry(RecordingTokenSource tokens) {
    assertThat(oauth.awaitInactive(tokens.last(), EXPIRY_WAIT)).as("the token expired at the server within %s", EXPIRY_WAIT)
        .isTrue();
    oauth.server().resetTokenRequests();
  }

  @Test
  void anImapSessionOutlivesItsTokenAndTheNextSessionRefreshesOnce() {
    String before = deliver("carol", "Before expiry");
    RecordingTokenSource tokens = oauth.signedInSource("carol");
    MailSettings settings = oauth.settings("carol", Protocol.IMAP, Security.TLS, tokens);

    try (Mailbox imap = Mailbox.connect(settings)) {
      assertThat(subjects(imap)).containsExactly(before);
      String expired = tokens.last();
      awaitExpiry(tokens);

      String after = deliver("carol", "After expiry");
      assertThat(subjects(imap)).as("the open session goes on").containsExactly(before, after);
      MessageSummary last = imap.listNewest(imap.inbox(), 1).get(0);
      assertThat(imap.fetch(imap.inbox(), last.uid()).text()).hasValueSatisfying(t -> assertThat(t).contains(after));
      assertThat(oauth.server().tokenRequests(REFRESH)).as("no token needed inside a session").isZero();

      try (Mailbox next = Mailbox.connect(settings)) {
        assertThat(subjects(next)).containsExactly(before, after);
      }
      assertThat(oauth.server().tokenRequests(REFRESH)).as("the next connect refreshed, once").isEqualTo(1);
      assertThat(tokens.forced).as("refreshed ahead, not after a refusal").containsExactly(false, false);
      assertThat(tokens.last()).isNotEqualTo(expired);
      assertThat(oauth.server().introspectionRequests()).as("one login, accepted at once").isEqualTo(1);
    }
  }

  @Test
  void aWatchKickedAfterItsTokenExpiredReconnectsWithOneRefresh() throws InterruptedException {
    RecordingTokenSource tokens = oauth.signedInSource("dave");
    MailSettings settings = oauth.settings("dave", Protocol.IMAP, Security.TLS, tokens);
    MailboxOptions quickReconnect = MailboxOptions.builder().reconnectDelay(Duration.ofMillis(100), Duration.ofSeconds(1)).build();
    BlockingQueue<Changes> seen = new LinkedBlockingQueue<>();

    try (Mailbox imap = Mailbox.connect(settings, quickReconnect); Watch watch = imap.watch(imap.inbox(), (f, c) -> seen.add(c))) {
      int connects = tokens.forced.size(); // the mailbox's and the watch's logins
      awaitExpiry(tokens);

      harness.kick("dave"); // Dovecot ends dave's sessions (BYE): the watch must log in again
      String subject = deliver("dave", "After the kick");
      assertThat(Mail.awaitAdded(seen, subject, Mail.DELIVERY)).as("the watch reconnected and reported \"%s\"", subject).isTrue();
      assertThat(watch.isRunning()).isTrue();
      assertThat(oauth.server().tokenRequests(REFRESH)).as("the reconnect refreshed, once").isEqualTo(1);
      assertThat(tokens.forced.subList(connects, tokens.forced.size())).as("asked again by the reconnect, not forced")
          .isNotEmpty().containsOnly(false);
    }
  }

  @Test
  void aTransportOutlivesItsTokenAndTheNextConnectRefreshesOnce() {
    RecordingTokenSource tokens = oauth.signedInSource("carol");
    MailSettings submission = oauth.settings("carol", Protocol.SMTP, Security.STARTTLS, tokens);
    String first = Mail.uniqueSubject("Sent before expiry");
    String second = Mail.uniqueSubject("Sent after expiry");
    String third = Mail.uniqueSubject("Sent on a new connection");

    try (Transport smtp = Transport.connect(submission)) {
      assertThat(smtp.send(Mail.message("carol", "dave", first)).isComplete()).isTrue();
      awaitExpiry(tokens);
      assertThat(smtp.send(Mail.message("carol", "dave", second)).isComplete()).as("the open connection goes on").isTrue();
      assertThat(oauth.server().tokenRequests(REFRESH)).isZero();
    }
    try (Transport smtp = Transport.connect(submission)) {
      assertThat(oauth.server().tokenRequests(REFRESH)).as("the next connect refreshed, once").isEqualTo(1);
      assertThat(smtp.send(Mail.message("carol", "dave", third)).isComplete()).isTrue();
    }
    assertThat(tokens.forced).containsExactly(false, false);

    try (Mailbox imap = Mailbox.connect(oauth.settings("dave", Protocol.IMAP, Security.TLS, oauth.signedInSource("dave")))) {
      for (String subject : List.of(first, second, third)) {
        assertThat(Mail.awaitSubject(imap, subject)).as("\"%s\" arrived", subject).isPresent();
      }
    }
  }
}
