package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapResponseParser;
import dev.satchel.mail.imap.engine.ImapSession;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.wire.WireReader;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SectionStream against GreenMail through the engine's own session: every chunk size and window
 * gives the section's exact bytes, a 5 MB message streams byte for byte, no command is left in flight
 * between reads, and a message expunged mid-stream or a server answering the wrong range ends in an
 * IOException naming the UID and offset instead of wrong bytes.
 */
class SectionStreamTest {
  private TestMailServer server;
  private TestUser user;
  private ImapSession session;

  @BeforeEach
  void start() {
    server = TestMailServer.start();
    user = server.createUser("sam@example.test", "sam-pw");
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    server.close();
  }

  private long append(byte[] raw) {
    Uid uid = server.append(user, "INBOX", List.of(raw)).get(0);
    return ((Uid.Imap) uid).uid();
  }

  private ImapSession open() {
    ImapSession s = ImapSession.open(server.settings(user, Protocol.IMAP), Duration.ofSeconds(60));
    s.execute("SELECT INBOX", r -> { });
    return s;
  }

  /** A section fetched in one command, as the oracle. */
  static byte[] whole(ImapSession s, long uid, String section) {
    List<byte[]> found = new ArrayList<>();
    s.execute("UID FETCH " + uid + " (UID BODY.PEEK[" + section + "])", r -> {
      ImapValue.ListValue items = EngineFetch.fetchItems(r);
      if (items != null && EngineFetch.uid(items) == uid
          && EngineFetch.item(items, "BODY[" + section + "]") instanceof ImapValue.Str str) {
        found.add(str.bytes());
      }
    });
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  static byte[] readAll(InputStream in, int bufferSize) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[bufferSize];
    for (int n; (n = in.read(buf)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static byte[] multipart(int attachmentBytes) {
    byte[] data = new byte[attachmentBytes];
    new Random(7).nextBytes(data);
    return ("From: a@example.test\r\nTo: b@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "hello, world\r\n--b1\r\nContent-Type: application/octet-stream; name=\"d.bin\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(data) + "\r\n--b1--\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void everyChunkSizeAndWindowGivesTheSectionsBytes() throws IOException {
    long uid = append(multipart(300));
    session = open();
    for (String section : List.of("", "1", "2", "HEADER", "TEXT", "1.MIME")) {
      byte[] expected = whole(session, uid, section);
      int size = expected.length;
      // (chunk, window) pairs: chunks around the section's size and small ones; small chunks in wide
      // windows only, as GreenMail answers each round trip slowly
      int[][] pairs = {{1, 64}, {7, 16}, {7, 3}, {100, 1}, {100, 3}, {size - 1, 1}, {size - 1, 2}, {size, 1}, {size, 3},
          {size + 1, 1}, {1 << 20, 4}};
      for (int[] pair : pairs) {
        int chunk = pair[0];
        int window = pair[1];
        if (chunk < 1 || (chunk == 1 && size > 200)) {
          continue;
        }
        for (long known : new long[] {-1, size}) {
          try (InputStream in = new SectionStream(session::pipeline, uid, section, chunk, window, known)) {
            assertThat(readAll(in, 13)).as("[%s] chunk %s window %s known %s", section, chunk, window, known)
                .isEqualTo(expected);
            assertThat(in.read()).isEqualTo(-1);
          }
        }
      }
    }
  }

  /** A pipeline that records each batch and checks that nothing else runs while one is out. */
  private static final class Recording implements SectionStream.Pipeline {
    final SectionStream.Pipeline delegate;
    final List<List<String>> batches = new ArrayList<>();

    Recording(SectionStream.Pipeline delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<ImapResponse> run(List<String> commands, Consumer<ImapResponse> untagged) {
      batches.add(List.copyOf(commands));
      return delegate.run(commands, untagged);
    }
  }

  @Test
  void sendsAtMostAWindowOfCommandsAndLeavesNoneInFlightBetweenReads() throws IOException {
    long uid = append(multipart(20_000));
    session = open();
    byte[] expected = whole(session, uid, "");
    Recording recording = new Recording(session::pipeline);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try (InputStream in = new SectionStream(recording, uid, "", 1000, 4, -1)) {
      byte[] buf = new byte[700];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
        // the mailbox may run any command between two reads: the connection is idle
        session.execute("NOOP", r -> { });
      }
    }
    assertThat(got.toByteArray()).isEqualTo(expected);
    int chunks = (expected.length + 999) / 1000;
    assertThat(recording.batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 4));
    assertThat(recording.batches.stream().mapToInt(List::size).sum()).isBetween(chunks, chunks + 4);
    assertThat(recording.batches.get(0)).containsExactly(
        "UID FETCH " + uid + " (UID BODY.PEEK[]<0.1000>)", "UID FETCH " + uid + " (UID BODY.PEEK[]<1000.1000>)",
        "UID FETCH " + uid + " (UID BODY.PEEK[]<2000.1000>)", "UID FETCH " + uid + " (UID BODY.PEEK[]<3000.1000>)");
  }

  @Test
  void aKnownSizeSendsNoMoreCommandsThanNeeded() throws IOException {
    long uid = append(multipart(100));
    session = open();
    byte[] expected = whole(session, uid, "1");
    Recording recording = new Recording(session::pipeline);
    try (InputStream in = new SectionStream(recording, uid, "1", 1 << 20, 16, expected.length)) {
      assertThat(in.readAllBytes()).isEqualTo(expected);
    }
    assertThat(recording.batches).containsExactly(List.of("UID FETCH " + uid + " (UID BODY.PEEK[1]<0.1048576>)"));
  }

  @Test
  void aFiveMegabyteMessageStreamsByteForByte() throws IOException {
    byte[] raw = multipart(5 * 1024 * 1024);
    long uid = append(raw);
    session = open();
    try (InputStream in = new SectionStream(session::pipeline, uid, "", 1 << 20, 4, raw.length)) {
      assertThat(readAll(in, 64 * 1024)).isEqualTo(raw);
    }
    byte[] data = new byte[5 * 1024 * 1024];
    new Random(7).nextBytes(data);
    try (InputStream in = new dev.satchel.mail.internal.Base64DecodingInputStream(
        new SectionStream(session::pipeline, uid, "2", 256 * 1024, 8, -1))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void aMessageExpungedMidStreamEndsInAnIoExceptionNamingUidAndOffset() throws IOException {
    long uid = append(multipart(50_000));
    session = open();
    try (InputStream in = new SectionStream(session::pipeline, uid, "", 4096, 2, -1)) {
      // two windows of two 4 KiB chunks were read, and the third was fetched ahead before the expunge
      assertThat(in.readNBytes(10_000)).hasSize(10_000);
      try (ImapSession other = open()) {
        other.execute("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", r -> { });
        other.execute("EXPUNGE", r -> { });
      }
      assertThatThrownBy(() -> readAll(in, 8192)).isInstanceOf(IOException.class)
          .hasMessage("message UID " + uid + " is gone: the server sent no BODY[] at offset 24576");
    }
    session.execute("NOOP", r -> { }); // the session goes on
  }

  // ---------------------------------------------------------------- a scripted server

  /** Parses one untagged or tagged response line (literals as {n}\r\n...). */
  static ImapResponse response(String wire) {
    ImapResponseParser p = new ImapResponseParser(new WireReader(new ByteArrayInputStream(
        (wire + "\r\n").getBytes(StandardCharsets.ISO_8859_1)), 64, 1 << 20), ImapResponseParser.Limits.DEFAULT);
    try {
      ImapResponse r = p.next(null);
      assertThat(r).isNotNull();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern RANGE = Pattern.compile("UID FETCH (\\d+) \\(UID BODY.PEEK\\[([^]]*)]<(\\d+)\\.(\\d+)>\\)");

  /** How a scripted server answers one partial fetch of {@code content}. */
  @FunctionalInterface
  interface Answer {
    String answer(long uid, String section, int from, int length, byte[] content);
  }

  static String literal(byte[] content, int from, int length) {
    int end = Math.min(content.length, from + length);
    int n = Math.max(0, end - Math.max(0, from));
    return "{" + n + "}\r\n" + new String(content, Math.min(from, content.length), n, StandardCharsets.ISO_8859_1);
  }

  static SectionStream.Pipeline scripted(byte[] content, Answer answer) {
    return (commands, untagged) -> {
      List<ImapResponse> done = new ArrayList<>();
      int tag = 1;
      for (String c : commands) {
        Matcher m = RANGE.matcher(c);
        assertThat(m.matches()).as(c).isTrue();
        String line = answer.answer(Long.parseLong(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)), content);
        if (line != null) {
          untagged.accept(response(line));
        }
        done.add(response("T" + tag++ + " OK done"));
      }
      return done;
    };
  }

  private static final byte[] CONTENT = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

  @Test
  void aScriptedServerAnsweringProperlyGivesTheContent() throws IOException {
    SectionStream.Pipeline ok = scripted(CONTENT, (uid, sec, from, len, c) -> "* 1 FETCH (UID " + uid + " BODY[" + sec
        + "]<" + from + "> " + literal(c, from, len) + ")");
    try (InputStream in = new SectionStream(ok, 9, "2", 5, 3, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void answersForAnotherUidAreIgnoredAndTheMissingOneMeansTheMessageIsGone() {
    SectionStream.Pipeline other = scripted(CONTENT, (uid, sec, from, len, c) -> "* 1 FETCH (UID " + (uid + 1)
        + " BODY[" + sec + "]<" + from + "> " + literal(c, from, len) + ")");
    assertThatThrownBy(() -> new SectionStream(other, 9, "2", 5, 3, -1).read()).isInstanceOf(IOException.class)
        .hasMessage("message UID 9 is gone: the server sent no BODY[2] at offset 0");
  }

  @Test
  void aWrongOriginIsAnIoExceptionNotWrongBytes() throws IOException {
    SectionStream.Pipeline shifted = scripted(CONTENT, (uid, sec, from, len, c) -> "* 1 FETCH (UID " + uid + " BODY["
        + sec + "]<" + (from == 0 ? 0 : from + 1) + "> " + literal(c, from, len) + ")");
    try (InputStream in = new SectionStream(shifted, 9, "2", 5, 1, -1)) {
      assertThat(in.readNBytes(5)).isEqualTo("01234".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(in::read).isInstanceOf(IOException.class)
          .hasMessage("the server answered a partial fetch of UID 9 at offset 6, which was not asked for (asked from 5)");
    }
  }

  @Test
  void moreBytesThanAskedAtAnOffsetIsAnIoException() {
    SectionStream.Pipeline greedy = scripted(CONTENT, (uid, sec, from, len, c) -> "* 1 FETCH (UID " + uid + " BODY["
        + sec + "]<" + from + "> " + literal(c, from, len + 1) + ")");
    assertThatThrownBy(() -> new SectionStream(greedy, 9, "2", 5, 2, -1).read()).isInstanceOf(IOException.class)
        .hasMessage("the server answered 6 bytes for BODY[2] of UID 9 at offset 0 where 5 were asked");
  }

  @Test
  void aServerIgnoringTheRangeIsTakenAtItsWordOnce() throws IOException {
    SectionStream.Pipeline whole = scripted(CONTENT, (uid, sec, from, len, c) -> "* 1 FETCH (UID " + uid + " BODY["
        + sec + "] " + literal(c, 0, c.length) + ")");
    try (InputStream in = new SectionStream(whole, 9, "2", 5, 4, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void aRefusalIsAnIoExceptionQuotingTheServer() {
    SectionStream.Pipeline refusing = (commands, untagged) -> {
      List<ImapResponse> done = new ArrayList<>();
      for (int i = 0; i < commands.size(); i++) {
        done.add(response("T" + i + " NO [EXPUNGEISSUED] Some of the requested messages no longer exist"));
      }
      return done;
    };
    assertThatThrownBy(() -> new SectionStream(refusing, 9, "", 5, 2, -1).read()).isInstanceOf(IOException.class)
        .hasMessageStartingWith("the server refused BODY[] of UID 9 at offset 0: T0 NO [EXPUNGEISSUED] Some");
  }

  @Test
  void closeIsIdempotentAndReadingAfterItThrows() throws IOException {
    SectionStream s = new SectionStream(scripted(CONTENT, (uid, sec, from, len, c) -> null), 9, "", 5, 2, -1);
    s.close();
    s.close();
    assertThatThrownBy(s::read).isInstanceOf(IOException.class).hasMessage("stream closed");
  }

  @Test
  void argumentsAreCheckedWithTheBadValueNamed() {
    SectionStream.Pipeline p = (c, u) -> List.of();
    assertThatThrownBy(() -> new SectionStream(p, 0, "", 5, 1, -1)).hasMessage("uid must be 1..4294967295, was 0");
    assertThatThrownBy(() -> new SectionStream(p, 1, "1]<0.1> X", 5, 1, -1))
        .hasMessageContaining("section must be").hasMessageEndingWith("was \"1]<0.1> X\"");
    assertThatThrownBy(() -> new SectionStream(p, 1, "", 0, 1, -1)).hasMessage("chunkSize must be 1..16777216, was 0");
    assertThatThrownBy(() -> new SectionStream(p, 1, "", 5, 0, -1)).hasMessage("window must be 1..1024, was 0");
  }
}
