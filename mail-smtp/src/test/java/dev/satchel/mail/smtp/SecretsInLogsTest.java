package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Logs in with passwords (right and wrong) and OAuth2 tokens (stale and fresh) while every Satchel
 * logger, including the protocol trace, is at TRACE; then no secret may appear in any captured line
 * (this includes whatever other tests in this JVM logged before).
 */
class SecretsInLogsTest {

  @Test
  void noSecretAppearsInAnyLogOutput() throws Exception {
    TestMailServer server = TestMailServer.start();
    TestUser alice = TestServers.alice(server);
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, Security.TLS))) {
      smtp.send(OutgoingMessage.builder().from("s@example.test").to("bob@example.test").text("traced body").build());
    }
    assertThatThrownBy(() -> Transport.connect(TestServers.settings(server, alice, Security.NONE).toBuilder()
        .password(TestServers.ALICE, TestServers.WRONG_PASSWORD).build()))
        .isInstanceOf(MailAuthenticationException.class);
    server.close();

    try (FakeSmtpServer fake = new FakeSmtpServer()) {
      fake.password = TestServers.FAKE_PASSWORD;
      fake.extensions = List.of("AUTH LOGIN");
      try (Transport smtp = Transport.connect(TestServers.plain(fake.port())
          .password("u@fake.test", TestServers.FAKE_PASSWORD).build())) {
        smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("x").build());
      }
      fake.extensions = List.of("AUTH XOAUTH2");
      fake.acceptedToken = TestServers.FRESH_TOKEN;
      try (Transport smtp = Transport.connect(TestServers.plain(fake.port())
          .credentials(Credentials.oauth2("u@fake.test", f -> f ? TestServers.FRESH_TOKEN : TestServers.STALE_TOKEN)).build())) {
        smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("x").build());
      }
    }

    List<String> lines = LogCapture.lines();
    assertThat(lines).as("the protocol trace was captured").anyMatch(l -> l.contains("MAIL FROM:"));
    assertThat(lines).as("authentication is visible but redacted").anyMatch(l -> l.contains("AUTH"));
    assertThat(lines).as("message content is not traced").noneMatch(l -> l.contains("traced body"));
    List<String> forbidden = new ArrayList<>();
    for (String secret : TestServers.SECRETS) {
      forbidden.add(secret);
      forbidden.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    }
    for (String line : lines) {
      for (String secret : forbidden) {
        assertThat(line).as("a log line").doesNotContain(secret);
      }
    }
  }
}
