package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A POP3 server that repeats the refused password in its answer: Satchel never repeats it. */
class Pop3LoginSafetyTest {
  private static final String SECRET = "hunter2-Secret!";

  private static void serve(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    out.write("+OK ready\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
      String answer = switch (verb) {
        case "CAPA" -> "+OK\r\nUSER\r\n.\r\n";
        case "USER" -> "+OK\r\n";
        case "PASS" -> "-ERR [AUTH] invalid login: " + line + "\r\n";
        case "QUIT" -> "+OK bye\r\n";
        default -> "-ERR unknown\r\n";
      };
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (verb.equals("QUIT")) {
        return;
      }
    }
  }

  @Test
  void aPasswordRepeatedInTheRefusalIsRedacted() throws IOException {
    try (LoopbackServer server = LoopbackServer.start("pop3-login", Pop3LoginSafetyTest::serve)) {
      MailSettings settings = MailSettings.builder().server(Protocol.POP3, "127.0.0.1", server.port(), Security.NONE)
          .password("alice@example.test", SECRET).readTimeout(Duration.ofSeconds(2)).build();
      Throwable thrown = catchThrowable(() -> Mailbox.connect(settings).close());
      assertThat(thrown).isInstanceOf(MailAuthenticationException.class).hasMessageContaining("PASS [redacted]");
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(SECRET);
    }
  }
}
