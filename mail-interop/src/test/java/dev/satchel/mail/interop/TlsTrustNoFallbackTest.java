package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.FaultProxy;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One configured trust, one verdict, on implicit TLS: a server whose certificate the JVM's default
 * trust store accepts, but the settings' {@link TlsOptions} do not, is refused after one handshake on
 * one connection, for IMAP, POP3 and SMTP and for the inbox processor's connection. Angus's default
 * socket-factory fallback used to open a second connection with the JVM's default factory and log in
 * on it. Runs on the testkit server (GreenMail, implicit TLS), not on the real servers.
 */
class TlsTrustNoFallbackTest {
  private static TestMailServer server;
  private static TestUser user;
  private static SSLContext jvmDefault;
  private static TlsOptions unrelated;

  @BeforeAll
  static void startServerTrustedByTheJvmDefault() throws NoSuchAlgorithmException, URISyntaxException {
    server = TestMailServer.start();
    user = server.createUser("alice@example.test", "alice-pw");
    jvmDefault = SSLContext.getDefault();
    // The JVM's default trust now accepts the test server: a fallback to it would succeed.
    SSLContext.setDefault(server.tls().sslContext());
    Path pem = Path.of(Objects.requireNonNull(TlsTrustNoFallbackTest.class.getResource("/unrelated-certificate.pem")).toURI());
    unrelated = TlsOptions.trustingPem(pem);
  }

  @AfterAll
  static void restore() {
    SSLContext.setDefault(jvmDefault);
    server.close();
  }

  /** Settings for the test user over implicit TLS through {@code proxy}, trusting only an unrelated certificate. */
  private static MailSettings untrusted(FaultProxy proxy, Protocol protocol) {
    return proxy.route(server.settings(user, protocol, Security.TLS)).toBuilder().tls(unrelated).build();
  }

  @ParameterizedTest
  @EnumSource(value = Protocol.class, names = {"IMAP", "POP3"})
  void mailboxIsRefusedOnOneConnection(Protocol protocol) {
    try (FaultProxy proxy = FaultProxy.startRaw(TestMailServer.HOST, server.port(protocol, Security.TLS))) {
      MailSettings settings = untrusted(proxy, protocol);
      assertThatThrownBy(() -> Mailbox.connect(settings).close())
          .isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("TLS handshake");
      assertThat(proxy.connections()).as("connections opened").hasSize(1);
    }
  }

  @Test
  void transportIsRefusedOnOneConnection() {
    try (FaultProxy proxy = FaultProxy.startRaw(TestMailServer.HOST, server.port(Protocol.SMTP, Security.TLS))) {
      MailSettings settings = untrusted(proxy, Protocol.SMTP);
      OutgoingMessage message = OutgoingMessage.builder().from("alice@example.test").to("bob@example.test")
          .subject("not sent").text("never leaves").build();
      assertThatThrownBy(() -> {
        try (Transport transport = Transport.connect(settings)) {
          transport.send(message);
        }
      }).isInstanceOf(MailConnectionException.class).hasMessageContaining("TLS handshake");
      assertThat(proxy.connections()).as("connections opened").hasSize(1);
      assertThat(server.receivedRaw()).isEmpty();
    }
  }

  @Test
  void inboxProcessorIsRefusedOnOneConnection() {
    try (FaultProxy proxy = FaultProxy.startRaw(TestMailServer.HOST, server.port(Protocol.IMAP, Security.TLS))) {
      List<String> handled = new ArrayList<>();
      InboxProcessor processor = InboxProcessor.builder().settings(untrusted(proxy, Protocol.IMAP))
          .stateStore(SyncStateStore.inMemory()).afterHandling(AfterHandling.leave())
          .handler(message -> handled.add(message.uid().toString())).build();
      assertThatThrownBy(processor::runOnce).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("TLS handshake");
      assertThat(proxy.connections()).as("connections opened").hasSize(1);
      assertThat(handled).isEmpty();
    }
  }

  @Test
  void theSameServerIsAcceptedWithItsOwnTrust() {
    // The control: with the server's trust in the settings, the same route works on one connection.
    try (FaultProxy proxy = FaultProxy.startRaw(TestMailServer.HOST, server.port(Protocol.IMAP, Security.TLS))) {
      MailSettings trusted = proxy.route(server.settings(user, Protocol.IMAP, Security.TLS));
      try (Mailbox mailbox = Mailbox.connect(trusted)) {
        assertThat(mailbox.list(mailbox.inbox())).isEmpty();
      }
    }
  }
}
