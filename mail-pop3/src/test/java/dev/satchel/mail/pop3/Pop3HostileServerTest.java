package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A POP3 server that lies about counts gets a {@link MailConnectionException} naming the limit, never
 * an {@link Error}: issue 13, item 3. Run with a small heap (see this module's pom), where a STAT of
 * two billion messages used to end in {@link OutOfMemoryError}.
 */
class Pop3HostileServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static Throwable failure(String command, byte[] answer) throws Exception {
    try (MalformedPop3Server server = new MalformedPop3Server(command, answer)) {
      MailSettings s = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", server.port(), Security.NONE)
          .password("u@example.test", "pw").connectTimeout(TIMEOUT).readTimeout(TIMEOUT).writeTimeout(TIMEOUT).build();
      return assertTimeoutPreemptively(DEADLINE, () -> catchThrowable(() -> {
        try (Mailbox mailbox = Mailbox.connect(s)) {
          mailbox.list(mailbox.inbox());
        }
      }));
    }
  }

  @Test
  void refusesAStatOfTwoBillionMessages() throws Exception {
    Throwable t = failure("STAT", "+OK 2000000000 0\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("announced 2000000000 messages").hasMessageContaining("the limit is 10000000 (maxMessages)");
  }

  @Test
  void refusesAUidlListingOfMessageNumberTwoBillion() throws Exception {
    Throwable t = failure("UIDL", "+OK\r\n2000000000 uid-one\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("message number 2000000000").hasMessageContaining("maxMessages");
  }

  @Test
  void refusesAStatusLineOfOneMegabyte() throws Exception {
    byte[] line = new byte[1 << 20];
    Arrays.fill(line, (byte) 'a');
    line[0] = '+';
    line[1] = 'O';
    line[2] = 'K';
    line[3] = ' ';
    Throwable t = failure("STAT", line);
    assertThat(t).isInstanceOf(MailConnectionException.class)
        .hasMessageContaining("a status line of more than 65536 bytes").hasMessageContaining("maxPop3Line");
  }
}
