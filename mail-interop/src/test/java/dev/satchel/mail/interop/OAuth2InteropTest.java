package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.TokenSource;
import dev.satchel.mail.Transport;
import dev.satchel.mail.interop.OAuth2Fixture.RecordingTokenSource;
import dev.satchel.mail.oauth2.ClientCredentialsTokenSource;
import dev.satchel.mail.oauth2.DeviceAuthorizationFlow;
import dev.satchel.mail.oauth2.DeviceCode;
import dev.satchel.mail.oauth2.OAuth2Client;
import dev.satchel.mail.oauth2.OAuth2Endpoints;
import dev.satchel.mail.oauth2.OAuth2Tokens;
import dev.satchel.mail.oauth2.RefreshingTokenSource;
import dev.satchel.mail.oauth2.TokenStore;
import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OAuth2 logins end to end on the real servers: tokens from a real authorization server
 * (Spring Authorization Server on 127.0.0.1:11080, started here), which Dovecot's oauth2 passdb
 * checks by introspection (RFC 7662) on every login, for IMAP and POP3 and, through Dovecot SASL,
 * for Postfix submission. Every grant's token logs in; a rejected token is refreshed once and the
 * login retried once; a revoked refresh token asks the user to sign in again; fifty concurrent
 * connections share one refresh. Expiry during a session: {@link OAuth2ExpiryInteropTest}.
 */
@Interop
class OAuth2InteropTest {
  private static final String REFRESH = "refresh_token";
  @RegisterExtension
  static final OAuth2Fixture oauth = OAuth2Fixture.withAccessTokensLiving(Duration.ofMinutes(5));
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailboxes() {
    harness.reset("carol", "dave");
    oauth.server().resetTokenRequests();
  }

  private String deliver(String user, String what) {
    String subject = Mail.uniqueSubject(what);
    Lmtp.deliver(harness.lmtpPort(), Harness.address(user), Mail.raw(user, subject));
    return subject;
  }

  /** Lists the inbox, fetches the message with {@code subject} and checks its body. */
  private static void assertReads(Mailbox mailbox, String subject) {
    List<MessageSummary> list = mailbox.list(mailbox.inbox());
    assertThat(list).extracting(s -> s.envelope().subject()).contains(subject);
    MessageSummary summary = list.stream().filter(s -> subject.equals(s.envelope().subject())).findFirst().orElseThrow();
    Message message = mailbox.fetch(mailbox.inbox(), summary.uid());
    assertThat(message.text()).hasValueSatisfying(t -> assertThat(t).contains("Body of " + subject));
  }

  @Test
  void imapLogsInWithXoauth2AndReadsADeliveredMessage() {
    String subject = deliver("carol", "XOAUTH2 over IMAP");
    RecordingTokenSource tokens = oauth.signedInSource("carol");
    DovecotLogins logins = DovecotLogins.from(harness);

    try (Mailbox imap = Mailbox.connect(oauth.settings("carol", Protocol.IMAP, Security.TLS, tokens))) {
      assertReads(imap, subject);
    }

    assertThat(logins.oauth2Methods("carol", 1)).as("Dovecot offers both; Satchel prefers XOAUTH2").containsExactly("XOAUTH2");
    assertThat(tokens.forced).as("one token, accepted").containsExactly(false);
    assertThat(oauth.server().introspectionRequests()).as("Dovecot checked the token at the authorization server").isEqualTo(1);
  }

  /**
   * Satchel takes XOAUTH2 whenever a server offers it, and has no setting to choose another mechanism;
   * the testkit's proxy hides {@code AUTH=XOAUTH2} from Dovecot's capabilities (on the plaintext port,
   * where it can read them), as a server that offers only OAUTHBEARER would.
   */
  @Test
  void imapLogsInWithOauthbearerWhereTheServerOffersOnlyThat() {
    String subject = deliver("dave", "OAUTHBEARER over IMAP");
    RecordingTokenSource tokens = oauth.signedInSource("dave");
    DovecotLogins logins = DovecotLogins.from(harness);

    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, harness.port(Protocol.IMAP, Security.NONE))
        .defaultScript(ConnectionScript.hiding("AUTH=XOAUTH2"))) {
      MailSettings hidden = proxy.route(oauth.settings("dave", Protocol.IMAP, Security.NONE, tokens));
      try (Mailbox imap = Mailbox.connect(hidden)) {
        assertReads(imap, subject);
      }
      assertThat(proxy.connection(0).commandNames()).contains("AUTHENTICATE").doesNotContain("LOGIN");
    }

    assertThat(logins.oauth2Methods("dave", 1)).containsExactly("OAUTHBEARER");
    assertThat(tokens.forced).containsExactly(false);
  }

  @Test
  void pop3LogsInWithATokenAndReads() {
    String subject = deliver("carol", "XOAUTH2 over POP3");
    RecordingTokenSource tokens = oauth.signedInSource("carol");
    DovecotLogins logins = DovecotLogins.from(harness);

    for (Security security : List.of(Security.TLS, Security.STARTTLS)) {
      try (Mailbox pop3 = Mailbox.connect(oauth.settings("carol", Protocol.POP3, security, tokens))) {
        assertReads(pop3, subject);
      }
    }

    assertThat(logins.oauth2Methods("carol", 2)).containsExactly("XOAUTH2", "XOAUTH2");
    assertThat(oauth.server().tokenRequests(REFRESH)).as("the signed-in token served both logins").isZero();
  }

  @Test
  void postfixSubmissionAuthenticatesWithATokenAndTheMessageArrives() {
    RecordingTokenSource carol = oauth.signedInSource("carol");
    RecordingTokenSource dave = oauth.signedInSource("dave");
    String subject = Mail.uniqueSubject("Sent with a token");

    try (Transport smtp = Transport.connect(oauth.settings("carol", Protocol.SMTP, Security.STARTTLS, carol))) {
      SendResult result = smtp.send(Mail.message("carol", "dave", subject));
      assertThat(result.isComplete()).isTrue();
      assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("dave@example.test");
    }

    // Read back over IMAP with dave's own token.
    try (Mailbox imap = Mailbox.connect(oauth.settings("dave", Protocol.IMAP, Security.TLS, dave))) {
      assertThat(Mail.awaitSubject(imap, subject)).as("delivered through Postfix's queue").isPresent();
    }
    assertThat(carol.forced).containsExactly(false);
    assertThat(oauth.server().introspectionRequests()).as("Postfix asked Dovecot, which asked the server; then IMAP")
        .isEqualTo(2);
  }

  @Test
  void aTokenFromTheAuthorizationCodeFlowLogsInToImap() {
    String subject = deliver("dave", "Signed in with a browser");
    TokenStore store = TokenStore.inMemory();
    // The test plays the browser: signs in at the server and follows its redirect to the loopback listener.
    OAuth2Tokens tokens = oauth.signIn("dave", store);
    assertThat(store.refreshToken("dave@example.test")).contains(tokens.refreshToken());
    assertThat(oauth.server().tokenRequests("authorization_code")).isEqualTo(1);

    RecordingTokenSource source = oauth.source("dave", store, tokens);
    try (Mailbox imap = Mailbox.connect(oauth.settings("dave", Protocol.IMAP, Security.TLS, source))) {
      assertReads(imap, subject);
    }
    assertThat(source.handedOut).as("the signed-in access token itself").containsExactly(tokens.accessToken());
  }

  @Test
  void aTokenFromTheDeviceFlowApprovedAtTheServerLogsInToImap() {
    String subject = deliver("carol", "Signed in on another device");
    OAuth2Client device = OAuth2Client.builder(OAuth2TestServer.DEVICE_CLIENT_ID)
        .endpoints(new OAuth2Endpoints(oauth.server().tokenEndpoint(), null, oauth.server().deviceAuthorizationEndpoint())).build();
    DeviceAuthorizationFlow flow = DeviceAuthorizationFlow.builder(device).scopes(List.of("mail")).build();
    DeviceCode code = flow.start();
    // carol enters the user code on the verification page and approves.
    oauth.server().approveDevice(code.userCode(), "carol@example.test");
    TokenStore store = TokenStore.inMemory();
    OAuth2Tokens tokens = flow.await(code, store, "carol@example.test");

    TokenSource source = RefreshingTokenSource.builder(device, store, "carol@example.test").initialTokens(tokens).build();
    try (Mailbox imap = Mailbox.connect(oauth.settings("carol", Protocol.IMAP, Security.TLS, source))) {
      assertReads(imap, subject);
    }
    assertThat(oauth.server().tokenRequests("urn:ietf:params:oauth:grant-type:device_code")).isEqualTo(1);
  }

  /**
   * Client credentials: the token's {@code sub} is the client id, and Dovecot wants it to be the login
   * name, so the client is one registered with dave's address as its id ({@link OAuth2Fixture#SERVICE_MAILBOX}).
   */
  @Test
  void clientCredentialsOfAServiceWhoseIdIsTheMailboxLogInToImap() {
    String subject = deliver("dave", "Read by a service");
    OAuth2Client service = OAuth2Client.builder(OAuth2Fixture.SERVICE_MAILBOX).clientSecret(OAuth2Fixture.SERVICE_MAILBOX_SECRET)
        .endpoints(OAuth2Endpoints.of(oauth.server().tokenEndpoint())).build();
    RecordingTokenSource tokens = new RecordingTokenSource(ClientCredentialsTokenSource.builder(service).build());

    try (Mailbox imap = Mailbox.connect(oauth.settings("dave", Protocol.IMAP, Security.TLS, tokens))) {
      assertReads(imap, subject);
    }
    assertThat(oauth.server().introspect(tokens.last())).containsEntry("sub", "dave@example.test")
        .containsEntry("client_id", OAuth2Fixture.SERVICE_MAILBOX);
    assertThat(oauth.server().tokenRequests("client_credentials")).isEqualTo(1);
  }

  @Test
  void aServiceTokenForAnotherMailboxIsRefused() {
    OAuth2Client service = OAuth2Client.builder(OAuth2Fixture.SERVICE_MAILBOX).clientSecret(OAuth2Fixture.SERVICE_MAILBOX_SECRET)
        .endpoints(OAuth2Endpoints.of(oauth.server().tokenEndpoint())).build();
    TokenSource tokens = ClientCredentialsTokenSource.builder(service).build();

    assertThatThrownBy(() -> Mailbox.connect(oauth.settings("carol", Protocol.IMAP, Security.TLS, tokens)).close())
        .as("dave's token is no key to carol's mailbox")
        .isInstanceOf(MailAuthenticationException.class);
  }

  @Test
  void aRejectedTokenIsRefreshedOnceAndTheLoginRetriedOnce() {
    String subject = deliver("dave", "After a revoked access token");
    TokenStore store = TokenStore.inMemory();
    OAuth2Tokens signedIn = oauth.signIn("dave", store);
    String revoked = signedIn.accessToken();
    RecordingTokenSource tokens = oauth.source("dave", store, signedIn);
    oauth.revokeAccessToken(revoked);
    assertThat(oauth.inactive(revoked)).as("revoked at the server, though not expired").isTrue();
    oauth.server().resetTokenRequests();

    try (Mailbox imap = Mailbox.connect(oauth.settings("dave", Protocol.IMAP, Security.TLS, tokens))) {
      assertReads(imap, subject);
    }

    assertThat(tokens.forced).as("asked again, forcing a refresh, after Dovecot refused the first").containsExactly(false, true);
    assertThat(tokens.handedOut.get(1)).isNotEqualTo(revoked);
    assertThat(oauth.server().tokenRequests(REFRESH)).as("one refresh").isEqualTo(1);
    assertThat(oauth.server().introspectionRequests()).as("two login attempts, each checked").isEqualTo(2);
  }

  @Test
  void whenTheRefreshedTokenIsRejectedTooTheServersOAuth2ErrorIsReported() {
    AtomicInteger calls = new AtomicInteger();
    RecordingTokenSource tokens = new RecordingTokenSource(force -> "not-a-token-" + calls.incrementAndGet());

    assertThatThrownBy(() -> Mailbox.connect(oauth.settings("carol", Protocol.IMAP, Security.TLS, tokens)).close())
        .isInstanceOf(MailAuthenticationException.class)
        // Dovecot's XOAUTH2 error report, as Google's and Microsoft's servers send it
        .hasMessageContaining("the server's OAuth2 error: status=401, schemes=bearer, scope=mail")
        .hasMessageNotContaining("not-a-token");
    assertThat(tokens.forced).as("retried once, then gave up").containsExactly(false, true);
    assertThat(oauth.server().introspectionRequests()).isEqualTo(2);
  }

  @Test
  void aRevokedRefreshTokenAsksTheUserToSignInAgain() {
    TokenStore store = TokenStore.inMemory();
    oauth.signIn("carol", store);
    assertThat(oauth.server().revokeRefreshTokens("carol@example.test")).isPositive();
    // A later run of the program: only the stored refresh token, no access token yet.
    TokenSource tokens = RefreshingTokenSource.builder(oauth.desktopClient(), store, "carol@example.test").build();
    String refreshToken = store.refreshToken("carol@example.test").orElseThrow();

    assertThatThrownBy(() -> Mailbox.connect(oauth.settings("carol", Protocol.IMAP, Security.TLS, tokens)).close())
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("invalid_grant")
        .hasMessageContaining("the user must sign in again")
        .hasMessageNotContaining(refreshToken);
    assertThat(oauth.server().tokenRequests(REFRESH)).isEqualTo(1);
    assertThat(oauth.server().introspectionRequests()).as("no token was sent to Dovecot").isZero();
  }

  /**
   * Fifty connections open at once, and all fifty ask the shared source for a token at the same moment
   * (a gate holds each until all have arrived), while the source's token has expired. Dovecot's
   * oauth2 passdb introspects over at most 10 connections and gives up on a request queued 5 s; on a
   * busy machine fifty logins at once would outwait that, and a refused login rightly forces a second
   * refresh. So after the token is handed out the gate lets at most 10 connections log in at a time.
   */
  @Test
  void fiftyConcurrentConnectionsWithAnExpiredTokenCauseExactlyOneRefresh() throws Exception {
    TokenStore store = TokenStore.inMemory();
    OAuth2Tokens signedIn = oauth.signIn("dave", store);
    // The source holds a token it knows expired (a service that slept past its expiry).
    OAuth2Tokens expired = new OAuth2Tokens(signedIn.accessToken(), signedIn.refreshToken(), Instant.now().minusSeconds(1),
        signedIn.scopes());
    int n = 50;
    RecordingTokenSource tokens = oauth.source("dave", store, expired);
    Gate gate = new Gate(tokens, n, 10);
    MailSettings settings = oauth.settings("dave", Protocol.IMAP, Security.TLS, gate);
    oauth.server().resetTokenRequests();

    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<Boolean> reader = () -> {
          Mailbox imap;
          try {
            imap = Mailbox.connect(settings);
          } finally {
            gate.loggedIn();
          }
          try (imap) {
            imap.list(imap.inbox());
            return true;
          }
        };
        results.add(pool.submit(reader));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(120, TimeUnit.SECONDS)).as("logged in and listed the inbox").isTrue();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(tokens.forced).as("no login refused (a refusal forces a refresh; Dovecot's log says why)")
        .hasSize(n).containsOnly(false);
    assertThat(oauth.server().tokenRequests(REFRESH)).as("refresh_token requests at the server").isEqualTo(1);
    assertThat(tokens.handedOut).as("every connection got the one refreshed token").containsOnly(tokens.last())
        .doesNotContain(signedIn.accessToken());
    assertThat(oauth.server().introspectionRequests()).as("Dovecot checked each login").isEqualTo(n);
  }

  /**
   * Holds each connection's first token request until {@code parties} have arrived, so that they all
   * ask the source at once; then lets at most {@code logins} connections hold a token (be logging in)
   * until they call {@link #loggedIn()}. Waits are bounded (60 s).
   */
  private static final class Gate implements TokenSource {
    private final TokenSource delegate;
    private final CyclicBarrier together;
    private final Semaphore logins;
    private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

    Gate(TokenSource delegate, int parties, int logins) {
      this.delegate = delegate;
      this.together = new CyclicBarrier(parties);
      this.logins = new Semaphore(logins);
    }

    @Override
    public String token(boolean forceRefresh) {
      try {
        if (!forceRefresh) {
          together.await(60, TimeUnit.SECONDS);
        }
        String token = delegate.token(forceRefresh);
        if (!holding.get()) {
          if (!logins.tryAcquire(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no login slot within 60 s");
          }
          holding.set(true);
        }
        return token;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted at the gate", e);
      } catch (BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("the connections did not all ask for a token within 60 s", e);
      }
    }

    /** This thread's login is over (or failed): another connection may log in. */
    void loggedIn() {
      if (holding.get()) {
        holding.set(false);
        logins.release();
      }
    }
  }
}
