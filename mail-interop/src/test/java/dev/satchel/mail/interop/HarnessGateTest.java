package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's failure when the servers are missing: it names what does not answer and how to start it
 * or skip. Runs without the real servers (not {@link Interop}).
 */
class HarnessGateTest {

  @Test
  void missingServersFailWithWhatIsMissingAndHowToStartThem(@TempDir Path dir) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    StringBuilder env = new StringBuilder();
    for (String key : new String[] {"IMAP", "IMAPS", "POP3", "POP3S", "LMTP", "SMTP", "SUBMISSION", "EXIM_SMTP",
        "EXIM_SUBMISSION"}) {
      env.append("MAILHARNESS_").append(key).append("_PORT=").append(closedPort).append('\n');
    }
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("harness.env"), env);
    // No start.sh in the scripts folder: even as root the suite cannot start anything here.
    Harness harness = new Harness(dir.resolve("no-scripts"), dir.resolve("logs"), state);

    assertThatThrownBy(harness::ensureRunning)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Dovecot IMAP 127.0.0.1:" + closedPort)
        .hasMessageContaining("Postfix submission 127.0.0.1:" + closedPort)
        .hasMessageContaining("Exim submission 127.0.0.1:" + closedPort)
        .hasMessageContaining("sudo interop/harness/start.sh")
        .hasMessageContaining("SATCHEL_INTEROP=skip");
  }
}
