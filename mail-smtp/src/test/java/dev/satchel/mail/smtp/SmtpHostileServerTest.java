package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailDeliveryUnknownException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Hostile SMTP servers against the engine, on a small heap (see the pom): every attack ends in a typed
 * Satchel exception within the timeouts and the operation deadline, never in OutOfMemoryError or a
 * hang, and a message the server may have taken is never sent again.
 */
class SmtpHostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration OPERATION = Duration.ofSeconds(3);
  /** Two operations (a send and its one retry on a new connection) and a margin for a loaded machine. */
  private static final Duration WITHIN = OPERATION.multipliedBy(2).plusSeconds(10);

  private static MailSettings settings(HostileSmtpServer server) {
    return TestServers.plain(server.port()).connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT)
        .operationTimeout(OPERATION).build();
  }

  private static OutgoingMessage message() {
    return OutgoingMessage.builder().from("sender@hostile.test").to("bob@hostile.test").subject("hi").text("body").build();
  }

  private static void within(Executable e) {
    assertTimeoutPreemptively(WITHIN, e);
  }

  /** Writes {@code line} over and over until the client goes away. */
  private static void flood(HostileSmtpServer.Peer peer, byte[] block) {
    try {
      while (true) {
        peer.raw(block);
      }
    } catch (IOException gone) {
      // the client closed the connection
    }
  }

  @Test
  void endlessEhloAnswerIsRefusedNamingTheLimit() throws Exception {
    byte[] lines = "250-ENDLESS\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.reply("220 hostile.test ESMTP");
      peer.line();
      flood(peer, lines);
    })) {
      within(() -> assertThatThrownBy(() -> Transport.connect(settings(server)))
          .isInstanceOf(MailConnectionException.class).hasMessageContaining("maxSmtpReplyLines"));
    }
  }

  @Test
  void fiftyMegabyteLineIsRefusedNamingTheLimit() throws Exception {
    byte[] block = new byte[1 << 20];
    Arrays.fill(block, (byte) 'a');
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.raw("220 ".getBytes(StandardCharsets.US_ASCII));
      try {
        for (int i = 0; i < 50; i++) {
          peer.raw(block);
        }
      } catch (IOException gone) {
        // the client closed the connection
      }
    })) {
      within(() -> assertThatThrownBy(() -> Transport.connect(settings(server)))
          .isInstanceOf(MailConnectionException.class).hasMessageContaining("maxLine"));
    }
  }

  @Test
  void tricklingBytesAreCutByTheOperationDeadline() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      try {
        peer.raw("220-".getBytes(StandardCharsets.US_ASCII));
        while (true) {
          peer.raw(new byte[] {'x'});
          Thread.sleep(200);
        }
      } catch (IOException | InterruptedException gone) {
        // the client closed the connection
      }
    })) {
      long start = System.nanoTime();
      within(() -> assertThatThrownBy(() -> Transport.connect(settings(server)))
          .isInstanceOf(MailConnectionException.class).hasMessageContaining("deadline"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(OPERATION.plusSeconds(3));
    }
  }

  @Test
  void pipelinedRepliesOutOfOrderCloseTheConnection() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING");
      peer.line();
      peer.line();
      peer.line();
      peer.reply("354 go ahead", "250 2.1.0 ok", "250 2.1.5 ok");
      peer.serve();
    })) {
      within(() -> {
        try (Transport smtp = Transport.connect(settings(server))) {
          assertThatThrownBy(() -> smtp.send(message())).isInstanceOf(MailConnectionException.class)
              .isNotInstanceOf(MailDeliveryUnknownException.class).hasMessageContaining("no longer match the commands");
        }
      });
      assertThat(server.messages.get()).isZero();
    }
  }

  @Test
  void fewerPipelinedRepliesThanCommandsEndWithinTheTimeout() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING");
      peer.line();
      peer.reply("250 2.1.0 ok");
      while (peer.line() != null) {
        // never answers RCPT or DATA
      }
    })) {
      within(() -> {
        try (Transport smtp = Transport.connect(settings(server))) {
          assertThatThrownBy(() -> smtp.send(message())).isInstanceOf(MailConnectionException.class)
              .isNotInstanceOf(MailDeliveryUnknownException.class).hasMessageContaining("timed out");
        }
      });
      assertThat(server.messages.get()).isZero();
    }
  }

  @Test
  void recipientAcceptedThenDataRefusedSendsNothingAndKeepsTheSession() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING");
      peer.line();
      peer.line();
      peer.line();
      peer.reply("250 2.1.0 ok", "250 2.1.5 ok", "554 5.5.1 Error: no valid recipients");
      peer.serve();
    })) {
      within(() -> {
        try (Transport smtp = Transport.connect(settings(server))) {
          assertThatThrownBy(() -> smtp.send(message())).isInstanceOf(MailCommandException.class)
              .hasMessageContaining("refused DATA").hasMessageContaining("554 5.5.1").hasMessageContaining("nothing was sent");
          assertThat(smtp.send(message()).isComplete()).as("the same session goes on").isTrue();
        }
      });
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(server.messages.get()).isEqualTo(1);
      assertThat(server.commands).contains("RSET");
    }
  }

  @Test
  void connectionCutAfterTheFinalDotMayHaveDeliveredAndIsNeverResent() throws Exception {
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello();
      peer.line();
      peer.reply("250 2.1.0 ok");
      peer.line();
      peer.reply("250 2.1.5 ok");
      peer.line();
      peer.reply("354 go ahead");
      peer.data(); // taken, and the connection closed before the reply
    })) {
      OutgoingMessage m = message().toBuilder().messageId("<cut-after-dot@hostile.test>").build();
      within(() -> {
        try (Transport smtp = Transport.connect(settings(server))) {
          assertThatThrownBy(() -> smtp.send(m)).isInstanceOfSatisfying(MailDeliveryUnknownException.class, e -> {
            assertThat(e.messageId()).isEqualTo("<cut-after-dot@hostile.test>");
            assertThat(e.recipients()).extracting(a -> a.address()).containsExactly("bob@hostile.test");
            assertThat(e.getMessage()).contains("may have accepted it, so it was not sent again");
          });
        }
      });
      assertThat(server.messages.get()).isEqualTo(1);
      assertThat(server.connections.get()).as("never resent on a new connection").isEqualTo(1);
    }
  }

  @Test
  void connectionCutAfterTheLastChunkMayHaveDeliveredAndIsNeverResent() throws Exception {
    AtomicBoolean oneFlight = new AtomicBoolean();
    try (HostileSmtpServer server = new HostileSmtpServer(peer -> {
      peer.hello("PIPELINING", "CHUNKING", "8BITMIME");
      peer.line();
      peer.line();
      String bdat = peer.line();
      oneFlight.set(bdat != null && bdat.startsWith("BDAT ") && bdat.endsWith(" LAST"));
      peer.chunk(Long.parseLong(bdat.split(" ")[1]));
      peer.taken();
    })) {
      within(() -> {
        try (Transport smtp = Transport.connect(settings(server))) {
          assertThatThrownBy(() -> smtp.send(message())).isInstanceOf(MailDeliveryUnknownException.class);
        }
      });
      assertThat(oneFlight).as("MAIL, RCPT and BDAT LAST sent before any reply").isTrue();
      assertThat(server.messages.get()).isEqualTo(1);
      assertThat(server.connections.get()).as("never resent on a new connection").isEqualTo(1);
    }
  }
}
