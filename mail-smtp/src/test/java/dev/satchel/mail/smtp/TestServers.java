package dev.satchel.mail.smtp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
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

  /** A GreenMail SMTP server on 127.0.0.1 with a dynamic port and user alice. */
  static GreenMail greenMail() {
    GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    gm.start();
    gm.setUser(ALICE, ALICE, ALICE_PASSWORD);
    return gm;
  }

  static MailSettings.Builder plain(int port) {
    return MailSettings.builder()
        .server(Protocol.SMTP, "127.0.0.1", port, Security.NONE)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(10));
  }

  static MailSettings greenMailSettings(GreenMail gm) {
    return plain(gm.getSmtp().getPort()).password(ALICE, ALICE_PASSWORD).build();
  }
}
