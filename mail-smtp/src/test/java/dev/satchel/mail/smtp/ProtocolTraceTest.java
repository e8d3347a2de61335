package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProtocolTraceTest {

  private static List<String> traced(String marker) {
    return LogCapture.lines().stream().filter(l -> l.contains(marker)).collect(Collectors.toList());
  }

  @Test
  void redactsAuthLinesSecretsAndTheirBase64AndHidesMessageContent() {
    String marker = "trace-test-" + System.nanoTime();
    ProtocolTrace trace = new ProtocolTrace(LoggerFactory.getLogger("dev.satchel.mail.smtp.trace"), marker);
    trace.addSecret("user@x.test", "s3cret-XYZ");
    String b64 = Base64.getEncoder().encodeToString("s3cret-XYZ".getBytes(StandardCharsets.UTF_8));
    PrintStream out = trace.printStream();
    out.print("EHLO client\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
    out.print("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0user@x.test\0s3cret-XYZ".getBytes(StandardCharsets.UTF_8)) + "\r\n");
    out.print(b64 + "\r\n");
    out.print("oops s3cret-XYZ leaked\r\n");
    out.print("MAIL FROM:<a@x.test>\r\n250 ok\r\nDATA\r\n354 go ahead\r\n");
    out.print("Subject: private\r\n\r\nbody line 1\r\nbody line 2\r\n.\r\n250 queued\r\n");
    out.flush();
    List<String> lines = traced(marker);
    assertThat(lines).anyMatch(l -> l.endsWith("AUTH PLAIN [redacted]"));
    assertThat(lines).anyMatch(l -> l.endsWith("oops [redacted] leaked"));
    assertThat(lines).noneMatch(l -> l.contains("s3cret") || l.contains(b64));
    assertThat(lines).anyMatch(l -> l.endsWith("[message content: 4 line(s) not shown]"));
    assertThat(lines).noneMatch(l -> l.contains("body line") || l.contains("Subject: private"));
    assertThat(lines).anyMatch(l -> l.endsWith("250 queued"));
  }
}
