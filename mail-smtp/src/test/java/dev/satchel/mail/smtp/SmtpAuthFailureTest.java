package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Security;
import dev.satchel.mail.Transport;
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
import java.util.Base64;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What a failed SMTP AUTH is reported as: a stalled answer is a connection failure (not a wrong
 * password), and a refusal that repeats the credential never carries it into the exception.
 */
class SmtpAuthFailureTest {
  private static final String PASSWORD = "hunter2-Secret!";

  /** A server offering AUTH PLAIN LOGIN that answers AUTH with {@code authAnswer}, or never when null. */
  private static LoopbackServer server(String authAnswer) throws IOException {
    return LoopbackServer.start("smtp-auth", s -> serve(s, authAnswer));
  }

  private static void serve(Socket s, String authAnswer) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    out.write("220 auth.example.test ESMTP\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
      String answer = switch (verb) {
        case "EHLO" -> "250-auth.example.test\r\n250 AUTH PLAIN LOGIN\r\n";
        case "AUTH" -> authAnswer.isEmpty() ? null : authAnswer.replace("$ECHO", line.substring(line.lastIndexOf(' ') + 1));
        case "QUIT" -> "221 bye\r\n";
        default -> "250 OK\r\n";
      };
      if (answer == null) {
        continue; // stall: read on until the client gives up
      }
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (verb.equals("QUIT")) {
        return;
      }
    }
  }

  private static MailSettings settings(LoopbackServer server) {
    return MailSettings.builder().server(dev.satchel.mail.Protocol.SMTP, "127.0.0.1", server.port(), Security.NONE)
        .password("alice@example.test", PASSWORD).readTimeout(Duration.ofSeconds(1)).build();
  }

  @Test
  void aStalledAuthIsAConnectionFailureNotAWrongPassword() throws IOException {
    try (LoopbackServer server = server("")) {
      Throwable thrown = catchThrowable(() -> Transport.connect(settings(server)).close());
      assertThat(thrown).isInstanceOf(MailConnectionException.class).hasMessageContaining("timed out")
          .hasMessageNotContaining("password");
    }
  }

  @Test
  void aRefusalThatEchoesTheCredentialDoesNotRepeatIt() throws IOException {
    try (LoopbackServer server = server("535 5.7.8 authentication failed for $ECHO (" + PASSWORD + ")\r\n")) {
      Throwable thrown = catchThrowable(() -> Transport.connect(settings(server)).close());
      assertThat(thrown).isInstanceOf(MailAuthenticationException.class).hasMessageContaining("[redacted]");
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      String plain = Base64.getEncoder().encodeToString(("\0alice@example.test\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertThat(trace.toString()).doesNotContain(PASSWORD).doesNotContain(plain);
    }
  }
}
