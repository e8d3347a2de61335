package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.ConnectionScript;
import dev.satchel.mail.testkit.FaultProxy;
import org.junit.jupiter.api.Test;

/**
 * TLS is never weakened: when a man in the middle strips STARTTLS/STLS from Dovecot's or Postfix's
 * capability answers, the connection fails and no credential leaves the client in plaintext; and a
 * certificate the settings do not trust fails the connection.
 */
@Interop
class StartTlsDowngradeInteropTest {
  private final Harness harness = Harness.get();

  @Test
  void theHarnessCertificateIsNotTrustedByTheJdkDefaults() {
    // The suite's trust comes from TlsOptions with the harness trust store; without it, TLS must fail.
    MailSettings untrusted = harness.settings("bob", Protocol.IMAP, Security.TLS).toBuilder()
        .tls(dev.satchel.mail.TlsOptions.systemDefault()).build();
    assertThatThrownBy(() -> Mailbox.connect(untrusted).close())
        .isInstanceOf(MailConnectionException.class).hasMessageContaining("TLS");
    MailSettings submission = harness.submission("alice").toBuilder().tls(dev.satchel.mail.TlsOptions.systemDefault()).build();
    assertThatThrownBy(() -> Transport.connect(submission).close()).isInstanceOf(MailConnectionException.class);
  }

  @Test
  void imapWithoutStartTlsOnOfferFailsBeforeLogin() {
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, harness.port(Protocol.IMAP, Security.STARTTLS))
        .defaultScript(ConnectionScript.hiding("STARTTLS"))) {
      MailSettings settings = proxy.route(harness.settings("bob", Protocol.IMAP, Security.STARTTLS));
      assertThatThrownBy(() -> Mailbox.connect(settings).close()).isInstanceOf(MailConnectionException.class);
      assertThat(proxy.commandNames()).doesNotContain("LOGIN", "AUTHENTICATE");
    }
  }

  @Test
  void pop3WithoutStlsOnOfferFailsBeforeLogin() {
    try (FaultProxy proxy = FaultProxy.start(Protocol.POP3, harness.port(Protocol.POP3, Security.STARTTLS))
        .defaultScript(ConnectionScript.hiding("STLS"))) {
      MailSettings settings = proxy.route(harness.settings("bob", Protocol.POP3, Security.STARTTLS));
      assertThatThrownBy(() -> Mailbox.connect(settings).close()).isInstanceOf(MailConnectionException.class);
      assertThat(proxy.commandNames()).doesNotContain("USER", "PASS", "AUTH", "APOP");
    }
  }

  @Test
  void submissionWithoutStartTlsOnOfferFailsBeforeAuth() {
    try (FaultProxy proxy = FaultProxy.start(Protocol.SMTP, harness.port(Protocol.SMTP, Security.STARTTLS))
        .defaultScript(ConnectionScript.hiding("STARTTLS"))) {
      MailSettings settings = proxy.route(harness.submission("alice"));
      assertThatThrownBy(() -> {
        try (Transport smtp = Transport.connect(settings)) {
          smtp.send(Mail.message("alice", "bob", Mail.uniqueSubject("Downgraded")));
        }
      }).isInstanceOf(MailException.class);
      assertThat(proxy.commandNames()).doesNotContain("AUTH", "MAIL", "RCPT", "DATA");
    }
  }
}
