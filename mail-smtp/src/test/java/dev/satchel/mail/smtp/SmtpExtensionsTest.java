package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendOptions.Notify;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the engine asks of the server's extensions: DSN parameters, REQUIRETLS, PIPELINING and CHUNKING. */
class SmtpExtensionsTest {

  private static OutgoingMessage message() {
    return OutgoingMessage.builder().from("sender@ext.test").to("bob@ext.test", "carol@ext.test").subject("hi")
        .text("body").build();
  }

  private static Transport connect(HostileSmtpServer server) {
    return Transport.connect(TestServers.plain(server.port()).operationTimeout(Duration.ofSeconds(10)).build());
  }

  @Test
  void dsnOptionsBecomeMailAndRcptParameters() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("DSN", "SIZE 1000000");
      peer.serve();
    })) {
      SendOptions dsn = SendOptions.builder().notify(EnumSet.of(Notify.FAILURE, Notify.DELAY))
          .notify("carol@ext.test", EnumSet.noneOf(Notify.class))
          .originalRecipient("bob@ext.test", "list@ext.test")
          .returnContent(SendOptions.Return.HEADERS).envelopeId("order+1=2").build();
      try (Transport smtp = connect(server)) {
        assertThat(smtp.send(message(), dsn).isComplete()).isTrue();
      }
      assertThat(server.commands).anyMatch(c -> c.startsWith("MAIL FROM:<sender@ext.test> SIZE=")
          && c.endsWith(" RET=HDRS ENVID=order+2B1+3D2"));
      assertThat(server.commands).contains("RCPT TO:<bob@ext.test> NOTIFY=DELAY,FAILURE ORCPT=rfc822;list@ext.test",
          "RCPT TO:<carol@ext.test> NOTIFY=NEVER");
    }
  }

  @Test
  void dsnOrRequireTlsWithoutTheExtensionSendsNothing() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING");
      peer.serve();
    })) {
      try (Transport smtp = connect(server)) {
        assertThatThrownBy(() -> smtp.send(message(), SendOptions.builder().envelopeId("x").build()))
            .isInstanceOf(MailCommandException.class).hasMessageContaining("does not offer DSN");
        assertThatThrownBy(() -> smtp.send(message(), SendOptions.builder().requireTls(true).build()))
            .isInstanceOf(MailCommandException.class).hasMessageContaining("REQUIRETLS").hasMessageContaining("not TLS");
      }
      assertThat(server.commands).noneMatch(c -> c.startsWith("MAIL"));
    }
  }

  @Test
  void pipelinedEnvelopeAndDataGoInOneFlight() throws Exception {
    AtomicBoolean oneFlight = new AtomicBoolean();
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING");
      peer.line();
      peer.line();
      peer.line();
      String data = peer.line();
      oneFlight.set("DATA".equals(data));
      peer.reply("250 ok", "250 ok", "550 5.1.1 no such user", "354 go ahead");
      peer.data();
      peer.reply("250 2.0.0 queued");
      peer.serve();
    })) {
      SendResult result;
      try (Transport smtp = connect(server)) {
        result = smtp.send(message());
      }
      assertThat(oneFlight).isTrue();
      assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("bob@ext.test");
      assertThat(result.rejected()).singleElement().satisfies(r -> {
        assertThat(r.address().address()).isEqualTo("carol@ext.test");
        assertThat(r.enhancedStatus()).contains("5.1.1");
      });
      assertThat(server.messages.get()).isEqualTo(1);
    }
  }

  @Test
  void largeMessageGoesInBdatChunks() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING", "CHUNKING");
      peer.serve();
    })) {
      OutgoingMessage big = message().toBuilder().text("line of text\n".repeat(100_000)).build();
      try (Transport smtp = connect(server)) {
        assertThat(smtp.send(big).isComplete()).isTrue();
        assertThat(smtp.send(message()).isComplete()).isTrue();
      }
      assertThat(server.commands.stream().filter(c -> c.startsWith("BDAT ") && !c.endsWith("LAST")).count()).isPositive();
      assertThat(server.commands.stream().filter(c -> c.startsWith("BDAT ") && c.endsWith(" LAST")).count()).isEqualTo(2);
      assertThat(server.messages.get()).isEqualTo(2);
    }
  }
}
