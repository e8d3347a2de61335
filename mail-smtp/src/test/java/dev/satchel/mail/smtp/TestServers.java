package dev.satchel.mail.smtp;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Properties;
import java.time.Duration;
import java.util.List;

/** Shared test fixtures: secrets used anywhere in this module's tests, and server settings. */
final class TestServers {
  /** Every secret the tests use; none may ever appear in a log line. */
  static final String ALICE_PASSWORD = "alice-Secret-pw-7f3a";
  static final String WRONG_PASSWORD = "wrong-Secret-pw-91c2";
  static final String FAKE_PASSWORD = "fake-Secret-pw-55e1";
  static final String STALE_TOKEN = "stale-Token-0a1b2c3d";
  static final String FRESH_TOKEN = "fresh-Token-4e5f6a7b";
  static final List<String> SECRETS = List.of(ALICE_PASSWORD, WRONG_PASSWORD, FAKE_PASSWORD, STALE_TOKEN, FRESH_TOKEN);

  static final String ALICE = "alice@example.test";

  private TestServers() {}

  /** Creates user alice on the test server. */
  static TestUser alice(TestMailServer server) {
    return server.createUser(ALICE, ALICE_PASSWORD);
  }

  /** Everything the test server received, parsed with Jakarta Mail (independent of Satchel's reader). */
  static List<MimeMessage> received(TestMailServer server) throws Exception {
    Session session = Session.getInstance(new Properties());
    List<MimeMessage> out = new ArrayList<>();
    for (byte[] raw : server.receivedRaw()) {
      out.add(new MimeMessage(session, new ByteArrayInputStream(raw)));
    }
    return out;
  }

  static MailSettings.Builder plain(int port) {
    return MailSettings.builder()
        .server(Protocol.SMTP, "127.0.0.1", port, Security.NONE)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10));
  }

  static MailSettings settings(TestMailServer server, TestUser user, Security security) {
    return server.settings(user, Protocol.SMTP, security).toBuilder()
        .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** A message whose attachment waits for {@code release} while it is being sent. */
  static OutgoingMessage blocking(java.util.concurrent.CountDownLatch inSend, java.util.concurrent.CountDownLatch release) {
    return OutgoingMessage.builder().from("s@fake.test").to("b@fake.test")
        .attach(dev.satchel.mail.Attachment.of("slow.bin", "application/octet-stream", () -> {
          inSend.countDown();
          try {
            release.await(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("interrupted");
          }
          return new ByteArrayInputStream(new byte[10]);
        }))
        .text("x").build();
  }
}
