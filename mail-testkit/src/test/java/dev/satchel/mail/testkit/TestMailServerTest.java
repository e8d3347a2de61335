package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Uid;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TestMailServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestMailServer server;
  private TestUser alice;

  @BeforeEach
  void startServer() {
    server = TestMailServer.start();
    alice = server.createUser("alice@example.com", "alice-secret");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  static Stream<Arguments> smtpSecurityTimesReader() {
    List<Arguments> result = new ArrayList<>();
    for (Security smtp : List.of(Security.NONE, Security.TLS)) {
      for (Protocol reader : List.of(Protocol.IMAP, Protocol.POP3)) {
        for (Security readSecurity : List.of(Security.NONE, Security.TLS)) {
          result.add(Arguments.of(smtp, reader, readSecurity));
        }
      }
    }
    return result.stream();
  }

  @ParameterizedTest(name = "send over SMTP {0}, read over {1} {2}")
  @MethodSource("smtpSecurityTimesReader")
  void mailSentOverSmtpIsReadOverImapAndPop3(Security smtpSecurity, Protocol reader, Security readSecurity)
      throws Exception {
    TestUser bob = server.createUser("bob@example.com", "bob-secret");
    String subject = "over smtp " + smtpSecurity + " read by " + reader + " " + readSecurity;
    byte[] rfc822 = rfc822("bob@example.com", "alice@example.com", subject, "Hello Alice.");

    MailClients.send(server.settings(bob, Protocol.SMTP, smtpSecurity), rfc822, "alice@example.com");

    assertThat(server.awaitReceived(1, WAIT)).isTrue();
    List<byte[]> fetched = MailClients.fetchInbox(server.settings(alice, reader, readSecurity));
    assertThat(fetched).singleElement()
        .extracting(TestMailServerTest::ascii)
        .asString()
        .contains("Subject: " + subject)
        .contains("Hello Alice.");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("readers")
  void deliveredMessageIsReadOverEachProtocol(Protocol reader, Security security) throws Exception {
    server.deliver(alice, rfc822("bob@example.com", "alice@example.com", "delivered", "Straight to the INBOX."));

    List<byte[]> fetched = MailClients.fetchInbox(server.settings(alice, reader, security));

    assertThat(fetched).singleElement()
        .extracting(TestMailServerTest::ascii)
        .asString()
        .contains("Subject: delivered")
        .contains("Straight to the INBOX.");
  }

  static Stream<Arguments> readers() {
    return Stream.of(
        Arguments.of(Protocol.IMAP, Security.NONE),
        Arguments.of(Protocol.IMAP, Security.TLS),
        Arguments.of(Protocol.POP3, Security.NONE),
        Arguments.of(Protocol.POP3, Security.TLS));
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void tlsServicePresentsTheGeneratedCertificateAndPassesHostnameVerification(Protocol protocol) throws Exception {
    MailSettings settings = server.settings(alice, protocol, Security.TLS);

    try (SSLSocket socket = tlsSocket(settings.tls().sslContext(), settings.server().port(), "127.0.0.1")) {
      socket.startHandshake();
      X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];

      assertThat(certificate.getSubjectAlternativeNames())
          .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
      assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
    }
  }

  @Test
  void certificateIsValidForLocalhostToo() throws Exception {
    int port = server.port(Protocol.SMTP, Security.TLS);

    try (SSLSocket socket = tlsSocket(server.tls().sslContext(), port, "localhost")) {
      socket.startHandshake();
      assertThat(socket.getSession().getPeerCertificates()).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void clientWithTheJdkDefaultTrustStoreIsRefused(Protocol protocol) throws Exception {
    int port = server.port(protocol, Security.TLS);

    Throwable refused = catchThrowable(() -> {
      try (SSLSocket socket = tlsSocket(SSLContext.getDefault(), port, "127.0.0.1")) {
        socket.startHandshake();
      }
    });

    assertThat(refused).isInstanceOf(SSLHandshakeException.class);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void jakartaClientWithoutTheTestTrustIsRefused(Protocol protocol) {
    MailSettings untrusting = server.settings(alice, protocol, Security.TLS).toBuilder()
        .tls(dev.satchel.mail.TlsOptions.systemDefault())
        .build();

    Throwable refused = catchThrowable(() -> {
      if (protocol == Protocol.SMTP) {
        MailClients.send(untrusting, rfc822("alice@example.com", "alice@example.com", "x", "x"), "alice@example.com");
      } else {
        MailClients.fetchInbox(untrusting);
      }
    });

    assertThat(refused).isInstanceOf(MessagingException.class);
    assertThat(causes(refused)).hasAtLeastOneElementOfType(SSLHandshakeException.class);
    assertThat(server.receivedRaw()).isEmpty();
  }

  @Test
  void certificateIsNotValidForOtherHostNames() {
    int port = server.port(Protocol.IMAP, Security.TLS);

    Throwable refused = catchThrowable(() -> {
      try (SSLSocket socket = tlsSocket(server.tls().sslContext(), port, "mail.example.com")) {
        socket.startHandshake();
      }
    });

    assertThat(refused).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void wrongPasswordIsRefused() {
    TestUser impostor = new TestUser(alice.address(), alice.login(), "wrong");
    MailSettings settings = server.settings(alice, Protocol.IMAP).toBuilder()
        .credentials(impostor.credentials())
        .build();

    assertThatThrownBy(() -> MailClients.fetchInbox(settings)).isInstanceOf(AuthenticationFailedException.class);
  }

  @Test
  void twoServersUseDifferentPorts() {
    try (TestMailServer other = TestMailServer.start()) {
      Set<Integer> ports = new HashSet<>();
      for (TestMailServer s : List.of(server, other)) {
        for (Protocol protocol : Protocol.values()) {
          for (Security security : List.of(Security.NONE, Security.TLS)) {
            ports.add(s.port(protocol, security));
          }
        }
      }
      assertThat(ports).hasSize(12).allSatisfy(port -> assertThat(port).isBetween(1, 65535));
    }
  }

  @Test
  void settingsPointAtLoopbackAndCarryTheTrust() {
    MailSettings settings = server.settings(alice, Protocol.POP3, Security.TLS);

    assertThat(settings.server().host()).isEqualTo("127.0.0.1");
    assertThat(settings.server().port()).isEqualTo(server.port(Protocol.POP3, Security.TLS));
    assertThat(settings.server().security()).isEqualTo(Security.TLS);
    assertThat(settings.credentials()).isEqualTo(alice.credentials());
    assertThat(settings.tls()).isSameAs(server.tls());
    assertThat(settings.tls().isSystemDefault()).isFalse();
    assertThat(server.settings(alice, Protocol.SMTP).server().security()).isEqualTo(Security.NONE);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void starttlsIsRejectedBecauseGreenMailDoesNotOfferIt(Protocol protocol) {
    assertThatThrownBy(() -> server.settings(alice, protocol, Security.STARTTLS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STARTTLS")
        .hasMessageContaining(protocol.name());
    assertThatThrownBy(() -> server.port(protocol, Security.STARTTLS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rawDeliveryIsReturnedByteForByteAndParsed() {
    byte[] rfc822 = rfc822("bob@example.com", "alice@example.com", "raw", "Line one.\r\nLine two.");

    server.deliver(alice, rfc822);

    assertThat(server.receivedRaw()).singleElement()
        .extracting(TestMailServerTest::ascii).asString()
        .contains("Subject: raw", "Line one.\r\nLine two.");
    Message message = server.received().get(0);
    assertThat(message.subject()).isEqualTo("raw");
    assertThat(message.envelope().from()).extracting(a -> a.address()).containsExactly("bob@example.com");
    assertThat(message.envelope().to()).extracting(a -> a.address()).containsExactly("alice@example.com");
    assertThat(message.text()).hasValueSatisfying(text -> assertThat(text).contains("Line two."));
    assertThat(message.uid()).isInstanceOf(Uid.Imap.class);
  }

  @Test
  void outgoingMessageIsDeliveredWithBodiesAndAttachments() {
    byte[] pdf = {'%', 'P', 'D', 'F', 0, 1, 2, (byte) 0xFF};
    OutgoingMessage outgoing = OutgoingMessage.builder()
        .from("Bob <bob@example.com>")
        .to("Alice <alice@example.com>")
        .bcc("hidden@example.com")
        .subject("Grüße ✉")
        .text("plain body")
        .html("<p>html body</p>")
        .attach(Attachment.of("report.pdf", "application/pdf", pdf))
        .build();

    server.deliver(alice, outgoing);

    Message message = server.received().get(0);
    assertThat(message.subject()).isEqualTo("Grüße ✉");
    assertThat(message.envelope().from()).singleElement()
        .satisfies(a -> assertThat(a.displayName()).hasValue("Bob"));
    assertThat(message.envelope().bcc()).isEmpty();
    assertThat(message.text()).hasValue("plain body");
    assertThat(message.html()).hasValue("<p>html body</p>");
    assertThat(message.attachments()).singleElement().satisfies(part -> {
      assertThat(part.filename()).hasValue("report.pdf");
      assertThat(part.mediaType()).isEqualTo("application/pdf");
      assertThat(part.bytes()).isEqualTo(pdf);
    });
    assertThat(ascii(server.receivedRaw().get(0))).doesNotContain("hidden@example.com");
  }

  @Test
  void receivedListsMessagesOfEveryUserOldestFirst() {
    TestUser bob = server.createUser("bob@example.com", "bob-secret");

    server.deliver(alice, rfc822("x@example.com", "alice@example.com", "first", "1"));
    server.deliver(bob, rfc822("x@example.com", "bob@example.com", "second", "2"));
    server.deliver(alice, rfc822("x@example.com", "alice@example.com", "third", "3"));

    assertThat(server.received()).extracting(Message::subject).containsExactlyInAnyOrder("first", "second", "third");
    assertThat(server.awaitReceived(3, Duration.ZERO)).isTrue();
  }

  @Test
  void awaitReceivedIsFalseWhenTooFewMessagesArrive() {
    server.deliver(alice, rfc822("x@example.com", "alice@example.com", "only one", "1"));

    assertThat(server.awaitReceived(2, Duration.ofMillis(50))).isFalse();
    assertThat(server.awaitReceived(1, Duration.ofMillis(50))).isTrue();
    assertThat(server.awaitReceived(0, Duration.ZERO)).isTrue();
  }

  @Test
  void awaitReceivedWaitsForMailStillInFlight() throws Exception {
    TestUser bob = server.createUser("bob@example.com", "bob-secret");
    MailSettings smtp = server.settings(bob, Protocol.SMTP);
    Thread sender = new Thread(() -> {
      try {
        MailClients.send(smtp, rfc822("bob@example.com", "alice@example.com", "later", "x"), "alice@example.com");
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    });
    sender.start();

    assertThat(server.awaitReceived(1, WAIT)).isTrue();
    sender.join(WAIT.toMillis());
    assertThat(server.received()).extracting(Message::subject).containsExactly("later");
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> server.createUser("not an address", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.createUser("carol@example.com", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
    TestUser stranger = new TestUser("dave@example.com", "dave@example.com", "x");
    assertThatThrownBy(() -> server.deliver(stranger, rfc822("a@example.com", "dave@example.com", "s", "b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dave@example.com");
    assertThatThrownBy(() -> server.settings(stranger, Protocol.IMAP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dave@example.com");
    assertThatThrownBy(() -> server.awaitReceived(-1, WAIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.awaitReceived(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void userToStringHidesThePassword() {
    assertThat(alice.toString()).contains("alice@example.com").doesNotContain("alice-secret");
  }

  @Test
  void closeIsIdempotentAndStopsEveryService() {
    List<Integer> ports = new ArrayList<>();
    for (Protocol protocol : Protocol.values()) {
      ports.add(server.port(protocol, Security.NONE));
      ports.add(server.port(protocol, Security.TLS));
    }

    server.close();
    server.close();

    assertThat(server.toString()).contains("closed");
    assertThatThrownBy(() -> server.receivedRaw()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.port(Protocol.IMAP, Security.NONE)).isInstanceOf(IllegalStateException.class);
    for (int port : ports) {
      assertThatThrownBy(() -> {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        }
      }).as("port %d after close", port).isInstanceOf(ConnectException.class);
    }
  }

  private static SSLSocket tlsSocket(SSLContext context, int port, String verifyAs) throws IOException {
    SSLSocketFactory factory = context.getSocketFactory();
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    plain.setSoTimeout(10_000);
    SSLSocket socket = (SSLSocket) factory.createSocket(plain, verifyAs, port, true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (!Character.isDigit(verifyAs.charAt(0))) {
      parameters.setServerNames(List.of(new SNIHostName(verifyAs)));
    }
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static List<Throwable> causes(Throwable throwable) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = throwable; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  static byte[] rfc822(String from, String to, String subject, String body) {
    String text = "From: " + from + "\r\n"
        + "To: " + to + "\r\n"
        + "Subject: " + subject + "\r\n"
        + "Message-ID: <" + Math.abs(subject.hashCode()) + "." + System.nanoTime() + "@test>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=US-ASCII\r\n"
        + "\r\n"
        + body + "\r\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
