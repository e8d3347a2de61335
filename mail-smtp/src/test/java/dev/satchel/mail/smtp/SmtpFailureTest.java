package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failure modes, against a scripted server that can refuse, limit and drop. */
class SmtpFailureTest {
  private FakeSmtpServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeSmtpServer();
    server.password = TestServers.FAKE_PASSWORD;
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private MailSettings settings() {
    return TestServers.plain(server.port()).password("user@fake.test", TestServers.FAKE_PASSWORD).build();
  }

  private static OutgoingMessage message(String... to) {
    return OutgoingMessage.builder().from("sender@fake.test").to(to).subject("hello").text("body").build();
  }

  @Test
  void refusedRecipientAmongAcceptedOnesIsAResultListingBoth() {
    server.refusedRecipients = Set.of("nobody@fake.test");
    SendResult result;
    try (Transport smtp = Transport.connect(settings())) {
      result = smtp.send(message("bob@fake.test", "nobody@fake.test", "carol@fake.test"));
    }
    assertThat(result.isComplete()).isFalse();
    assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@fake.test", "carol@fake.test");
    assertThat(result.rejected()).hasSize(1);
    RejectedRecipient r = result.rejected().get(0);
    assertThat(r.address().address()).isEqualTo("nobody@fake.test");
    assertThat(r.replyCode()).isEqualTo(550);
    assertThat(r.enhancedStatus()).contains("5.1.1");
    assertThat(r.text()).contains("Recipient address rejected: User unknown");
    assertThat(r.isPermanent()).isTrue();
    assertThat(server.messageCount.get()).isEqualTo(1);
  }

  @Test
  void requireAllRecipientsSendsNothingWhenOneIsRefused() {
    server.refusedRecipients = Set.of("nobody@fake.test");
    SendOptions strict = SendOptions.builder().requireAllRecipients(true).build();
    try (Transport smtp = Transport.connect(settings())) {
      assertThatThrownBy(() -> smtp.send(message("bob@fake.test", "nobody@fake.test"), strict))
          .isInstanceOfSatisfying(MailCommandException.class, e -> {
            assertThat(e.rejectedRecipients()).extracting(x -> x.address().address()).containsExactly("nobody@fake.test");
            assertThat(e.rejectedRecipients().get(0).enhancedStatus()).contains("5.1.1");
            assertThat(e.getMessage()).contains("nothing was sent");
          });
      // the connection is still usable afterwards
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.dataCommands.get()).isEqualTo(1);
    assertThat(server.messageCount.get()).isEqualTo(1);
  }

  @Test
  void everyRecipientRefusedIsACommandFailureWithTheReasons() {
    server.refusedRecipients = Set.of("nobody@fake.test");
    try (Transport smtp = Transport.connect(settings())) {
      assertThatThrownBy(() -> smtp.send(message("nobody@fake.test")))
          .isInstanceOfSatisfying(MailCommandException.class,
              e -> assertThat(e.rejectedRecipients()).extracting(RejectedRecipient::replyCode).containsExactly(550));
    }
    assertThat(server.dataCommands.get()).isZero();
  }

  @Test
  void startTlsRequiredAgainstAServerWithoutItIsRefusedBeforeAuth() {
    MailSettings startTls = MailSettings.builder()
        .server(Protocol.SMTP, "127.0.0.1", server.port(), Security.STARTTLS)
        .password("user@fake.test", TestServers.FAKE_PASSWORD)
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5))
        .build();
    assertThatThrownBy(() -> Transport.connect(startTls))
        .isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("does not offer STARTTLS");
    assertThat(server.connections.get()).isEqualTo(1);
    assertThat(server.authAttempted.get()).isFalse();
    assertThat(server.mailCommands).isEmpty();
  }

  @Test
  void credentialsAgainstAServerWithoutAuthFailWithoutSendingThem() {
    server.extensions = List.of("8BITMIME");
    assertThatThrownBy(() -> Transport.connect(settings()))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("does not offer SMTP AUTH");
    assertThat(server.authAttempted.get()).isFalse();
  }

  @Test
  void unreachablePortFailsWithAConnectionExceptionWithinTheTimeout() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    MailSettings unreachable = TestServers.plain(closedPort).connectTimeout(Duration.ofSeconds(2)).build();
    assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        assertThatThrownBy(() -> Transport.connect(unreachable))
            .isInstanceOf(MailConnectionException.class)
            .hasMessageContaining("127.0.0.1:" + closedPort));
  }

  @Test
  void silentServerFailsWithAConnectionExceptionWithinTheReadTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MailSettings s = TestServers.plain(silent.getLocalPort())
          .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build();
      assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
          assertThatThrownBy(() -> Transport.connect(s))
              .isInstanceOf(MailConnectionException.class)
              .hasMessageContaining("timed out"));
    }
  }

  @Test
  void messageLargerThanTheAdvertisedSizeFailsBeforeAnyDataSayingBothSizes() {
    server.extensions = List.of("SIZE 2000", "AUTH PLAIN LOGIN");
    OutgoingMessage big = OutgoingMessage.builder().from("sender@fake.test").to("bob@fake.test")
        .text("x".repeat(5000)).build();
    try (Transport smtp = Transport.connect(settings())) {
      assertThatThrownBy(() -> smtp.send(big))
          .isInstanceOf(MailCommandException.class)
          .hasMessageContaining("accepts at most 2000 bytes")
          .hasMessageMatching("(?s).*the message is \\d+ bytes.*");
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.mailCommands).hasSize(1);
    assertThat(server.mailCommands.get(0)).contains("SIZE=");
  }

  @Test
  void serverDroppingTheConnectionBetweenSendsIsHealedByTheNextSend() {
    try (Transport smtp = Transport.connect(settings())) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
      server.dropAllConnections();
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.connections.get()).isEqualTo(2);
    assertThat(server.messageCount.get()).isEqualTo(2);
  }

  @Test
  void reply421BeforeTheMessageIsHealedByReconnecting() {
    try (Transport smtp = Transport.connect(settings())) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
      server.reply421OnNextMail.set(true);
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.connections.get()).isEqualTo(2);
    assertThat(server.messageCount.get()).isEqualTo(2);
  }

  @Test
  void connectionLostAfterTheFinalDotIsNeverResent() {
    try (Transport smtp = Transport.connect(settings())) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
      server.dropAfterNextDot.set(true);
      assertThatThrownBy(() -> smtp.send(message("bob@fake.test")))
          .isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("may have accepted it, so it was not sent again");
      // the transport is still usable: the next send reconnects
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.messageCount.get()).isEqualTo(3);
    assertThat(server.dataCommands.get()).isEqualTo(3);
  }

  @Test
  void oauthTokenIsAskedOnEveryConnectAndRefreshedOnceWhenRefused() {
    server.acceptedToken = TestServers.FRESH_TOKEN;
    List<Boolean> asks = new ArrayList<>();
    MailSettings oauth = TestServers.plain(server.port())
        .credentials(Credentials.oauth2("user@fake.test", force -> {
          asks.add(force);
          return force ? TestServers.FRESH_TOKEN : TestServers.STALE_TOKEN;
        }))
        .build();
    try (Transport smtp = Transport.connect(oauth)) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
      server.dropAllConnections();
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(asks).containsExactly(false, true, false, true);
    assertThat(server.authMechanisms).containsOnly("XOAUTH2");
  }

  @Test
  void aLongTokenGoesAfterTheFirst334SoTheAuthLineStaysWithin512Octets() {
    String longToken = "eyJ" + "a".repeat(1_400);   // access tokens of Microsoft and Google run to 1-2 KB
    server.acceptedToken = longToken;
    MailSettings oauth = TestServers.plain(server.port())
        .credentials(Credentials.oauth2("user@fake.test", force -> longToken))
        .build();
    try (Transport smtp = Transport.connect(oauth)) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.authLines).containsExactly("12 without initial response");
  }

  @Test
  void aShortTokenTravelsOnTheAuthLine() {
    server.acceptedToken = TestServers.FRESH_TOKEN;
    MailSettings oauth = TestServers.plain(server.port())
        .credentials(Credentials.oauth2("user@fake.test", force -> TestServers.FRESH_TOKEN))
        .build();
    try (Transport smtp = Transport.connect(oauth)) {
      assertThat(smtp.send(message("bob@fake.test")).isComplete()).isTrue();
    }
    assertThat(server.authLines).singleElement().asString().endsWith(" with initial response");
  }

  @Test
  void oauthTokenRefusedTwiceIsAnAuthenticationFailure() {
    server.acceptedToken = "never-matches";
    MailSettings oauth = TestServers.plain(server.port())
        .credentials(Credentials.oauth2("user@fake.test", force -> force ? TestServers.FRESH_TOKEN : TestServers.STALE_TOKEN))
        .build();
    assertThatThrownBy(() -> Transport.connect(oauth))
        .isInstanceOf(MailAuthenticationException.class)
        .hasMessageContaining("with an OAuth2 token was refused")
        .hasMessageNotContaining("username and password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestServers.FRESH_TOKEN, TestServers.STALE_TOKEN));
    assertThat(server.authMechanisms).hasSize(2);
  }

  @Test
  void eightBitMimeIsDeclaredWhenOffered() {
    try (Transport smtp = Transport.connect(settings())) {
      smtp.send(OutgoingMessage.builder().from("sender@fake.test").to("bob@fake.test").text("Grüße äöü").build());
    }
    assertThat(server.mailCommands.get(0)).contains("BODY=8BITMIME");
  }

  @Test
  void smtpUtf8IsRequestedWhenOfferedAndRequiredForUnicodeLocalParts() {
    OutgoingMessage unicode = OutgoingMessage.builder().from("sender@fake.test").to("jörg@fake.test").text("hi").build();
    try (Transport smtp = Transport.connect(settings())) {
      assertThatThrownBy(() -> smtp.send(unicode))
          .isInstanceOf(MailCommandException.class)
          .hasMessageContaining("SMTPUTF8");
    }
    assertThat(server.mailCommands).isEmpty();
    server.extensions = List.of("8BITMIME", "SMTPUTF8", "AUTH PLAIN LOGIN");
    try (Transport smtp = Transport.connect(settings())) {
      assertThat(smtp.send(unicode).accepted()).extracting(a -> a.address()).containsExactly("jörg@fake.test");
    }
    assertThat(server.mailCommands.get(0)).contains("SMTPUTF8");
    assertThat(server.rcptSnapshot()).anyMatch(l -> l.contains("j\u00c3\u00b6rg@fake.test")); // UTF-8 bytes seen as Latin-1
  }

  @Test
  void sendAfterCloseIsACallerBug() {
    Transport smtp = Transport.connect(settings());
    smtp.close();
    smtp.close();
    assertThatThrownBy(() -> smtp.send(message("bob@fake.test"))).isInstanceOf(IllegalStateException.class);
    assertThat(Optional.of(server.messageCount.get())).contains(0);
  }
}
