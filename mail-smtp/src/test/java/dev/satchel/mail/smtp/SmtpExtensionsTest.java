package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailDeliveryUnknownException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendOptions.Notify;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
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

  @Test
  void everyRecipientRefusedInOneBdatFlightIsFollowedByRsetSoTheNextMessageGoesThrough() throws Exception {
    // Exim 4.96: BDAT after refused recipients gets 503 and the transaction (its sender) stays open
    // until RSET; a MAIL without it is answered "503 sender already given".
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      readOneFlightWithTwoRecipients(peer);
      peer.reply("250 OK", "550 Unrouteable address", "550 Unrouteable address",
          "503-All RCPT commands were rejected with this error:", "503-Unrouteable address",
          "503 Valid RCPT command must precede BDAT");
      String next = peer.line();
      if (!"RSET".equals(next)) {
        peer.reply("503 sender already given");
      } else {
        peer.reply("250 Reset OK");
      }
      peer.serve();
    })) {
      try (Transport smtp = connect(server)) {
        assertThatThrownBy(() -> smtp.send(message())).isInstanceOfSatisfying(MailCommandException.class,
            e -> assertThat(e.rejectedRecipients()).extracting(r -> r.replyCode()).containsExactly(550, 550));
        assertThat(smtp.send(message()).isComplete()).isTrue();
      }
      List<String> commands = List.copyOf(server.commands);
      int bdat = commands.indexOf(commands.stream().filter(c -> c.startsWith("BDAT ")).findFirst().orElseThrow());
      assertThat(commands.get(bdat + 1)).isEqualTo("RSET");
      assertThat(server.messages.get()).isEqualTo(1);
    }
  }

  @Test
  void contentAcceptedAfterARefusedEnvelopeIsReportedAsMaybeDelivered() throws Exception {
    // A server that refuses MAIL FROM in a pipelined flight but then accepts the recipient and BDAT LAST
    // (Exim does so when an earlier transaction was left open) may have delivered the message.
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      readOneFlightWithTwoRecipients(peer);
      peer.taken();
      peer.reply("503 sender already given", "250 Accepted", "250 Accepted", "250 OK id=1xZcfm-0004Gg-2f");
      peer.serve();
    })) {
      try (Transport smtp = connect(server)) {
        assertThatThrownBy(() -> smtp.send(message())).isInstanceOfSatisfying(MailDeliveryUnknownException.class, e -> {
          assertThat(e.getMessage()).contains("refused the sender (503 sender already given)")
              .contains("accepted the message content").doesNotContain("nothing was sent");
          assertThat(e.recipients()).extracting(a -> a.address()).containsExactly("bob@ext.test", "carol@ext.test");
        });
      }
      assertThat(server.connections.get()).as("not sent again").isEqualTo(1);
      assertThat(server.messages.get()).isEqualTo(1);
    }
  }

  /** Greets with PIPELINING and CHUNKING, then reads MAIL, two RCPTs and a {@code BDAT n LAST} with its bytes. */
  private static void readOneFlightWithTwoRecipients(HostileSmtpServer.Peer peer) throws java.io.IOException {
    peer.hello("PIPELINING", "CHUNKING");
    peer.line();
    peer.line();
    peer.line();
    peer.chunk(Long.parseLong(peer.line().split(" ")[1]));
  }
}
