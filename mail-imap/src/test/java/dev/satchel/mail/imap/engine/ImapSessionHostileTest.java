package dev.satchel.mail.imap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Satchel's own IMAP session against hostile servers, run on a 128 MB heap (see the POM): each attack
 * ends in a typed exception within the deadline, nothing is allocated for what the server announces,
 * and a flood passes through without being held.
 */
class ImapSessionHostileTest {
  /** Released when a test ends, so that a server thread still attacking stops then. */
  private final CountDownLatch finished = new CountDownLatch(1);

  @AfterEach
  void release() {
    finished.countDown();
  }
  /** What the server does when it receives NOOP, after a normal greeting and login. */
  @FunctionalInterface
  interface Attack {
    void run(String tag, OutputStream out) throws IOException, InterruptedException;
  }

  private static LoopbackServer server(Attack attack) throws IOException {
    return LoopbackServer.start("hostile-imap", s -> serve(s, attack));
  }

  private static void serve(Socket s, Attack attack) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    write(out, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.split(" ");
      String tag = w[0];
      String verb = w.length > 1 ? w[1] : "";
      if (verb.equals("AUTHENTICATE")) {
        write(out, "+ \r\n");
        in.readLine();
        write(out, tag + " OK [CAPABILITY IMAP4rev1] in\r\n");
      } else if (verb.equals("NOOP")) {
        try {
          attack.run(tag, out);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        write(out, tag + " OK done\r\n");
      }
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static ImapSession open(LoopbackServer s, Duration deadline) {
    MailSettings settings = MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", s.port(), Security.NONE)
        .password("a@example.test", "pw").readTimeout(Duration.ofSeconds(5)).build();
    return ImapSession.open(settings, deadline);
  }

  @Test
  void aTricklingServerIsCutAtTheDeadline() throws IOException {
    try (LoopbackServer s = server((tag, out) -> {
      for (int i = 0; i < 10_000; i++) {
        out.write('*');
        out.flush();
        if (finished.await(100, TimeUnit.MILLISECONDS)) { // the attack's pace; ends with the test
          return;
        }
      }
    }); ImapSession session = open(s, Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("deadline");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      assertThat(session.isClosed()).isTrue();
    }
  }

  @Test
  void anEndlessLineIsRefusedAtTheLineLimit() throws IOException {
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'x');
    try (LoopbackServer s = server((tag, out) -> {
      out.write("* OK ".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 50; i++) { // 50 MB without a line end
        out.write(chunk);
      }
      out.flush();
    }); ImapSession session = open(s, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("maxLine");
    }
  }

  @Test
  void hugeLiteralsAndDeepNestingAreRefusedBeforeAllocation() throws IOException {
    try (LoopbackServer s = server((tag, out) -> write(out, "* 1 FETCH (BODY[] {1500000000}\r\n"));
        ImapSession session = open(s, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("1500000000").hasMessageContaining("maxLiteral");
    }
    try (LoopbackServer s = server((tag, out) -> write(out, "* 1 FETCH (BODYSTRUCTURE " + "(".repeat(10_000)
        + ")".repeat(10_000) + ")\r\n" + tag + " OK done\r\n")); ImapSession session = open(s, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("maxDepth");
    }
  }

  @Test
  void aFloodOfUntaggedStatusLinesClosesTheConnectionNamingTheLimit() throws IOException {
    byte[] block = "* OK still here\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    try (LoopbackServer s = server((tag, out) -> {
      for (int i = 0; i < 100; i++) {
        out.write(block);
      }
      write(out, tag + " OK done\r\n");
    }); ImapSession session = open(s, Duration.ofSeconds(60))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("more than 10000 untagged responses").hasMessageContaining("maxUntaggedStatus");
      assertThat(session.isClosed()).isTrue();
    }
  }

  @Test
  void aSearchAnswerOfAMillionAndAHalfUidsIsHeldCompactly() throws IOException {
    // 12 MB on one line; as one atom per number it took ~100 MB, more than this 128 MB heap spares
    try (LoopbackServer s = server((tag, out) -> {
      StringBuilder b = new StringBuilder(1 << 20);
      write(out, "* SEARCH");
      for (int i = 1; i <= 1_500_000; i++) {
        b.append(' ').append(i);
        if (b.length() > (1 << 20) - 16) {
          write(out, b.toString());
          b.setLength(0);
        }
      }
      write(out, b + "\r\n" + tag + " OK done\r\n");
    }); ImapSession session = open(s, Duration.ofSeconds(60))) {
      long[][] uids = {new long[0]};
      session.execute("NOOP", r -> {
        try {
          uids[0] = dev.satchel.mail.imap.ImapRepliesAccess.searchUids(r);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(uids[0]).hasSize(1_500_000).startsWith(1, 2, 3).endsWith(1_500_000);
    }
  }

  @Test
  void aSearchAnswerOfThreeMillionUidsIsRefusedNamingTheLimit() throws IOException {
    try (LoopbackServer s = server((tag, out) -> {
      StringBuilder b = new StringBuilder(1 << 20);
      write(out, "* SEARCH");
      for (int i = 1; i <= 3_000_000; i++) {
        b.append(" 1");
        if (b.length() > (1 << 20) - 16) {
          write(out, b.toString());
          b.setLength(0);
        }
      }
      write(out, b + "\r\n" + tag + " OK done\r\n");
    }); ImapSession session = open(s, Duration.ofSeconds(60))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("maxItems");
      assertThat(session.isClosed()).isTrue();
    }
  }

  @Test
  void aMillionUntaggedDataLinesPassThroughWithoutBeingHeld() throws IOException {
    byte[] block = "* 1 FETCH (FLAGS ())\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    AtomicLong seen = new AtomicLong();
    try (LoopbackServer s = server((tag, out) -> {
      for (int i = 0; i < 100; i++) {
        out.write(block);
      }
      write(out, tag + " OK done\r\n");
    }); ImapSession session = open(s, Duration.ofSeconds(60))) {
      ImapResponse done = session.execute("NOOP", r -> seen.incrementAndGet());
      assertThat(done.is("OK")).isTrue();
      assertThat(seen.get()).isEqualTo(1_000_000);
    }
  }

  @Test
  void aByeInTheMiddleOfACommandEndsTheSession() throws IOException {
    try (LoopbackServer s = server((tag, out) -> write(out, "* BYE shutting down\r\n"));
        ImapSession session = open(s, Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> session.execute("NOOP", r -> { })).isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("ended the session");
      assertThat(session.isClosed()).isTrue();
    }
  }
}
