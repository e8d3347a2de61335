package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.imap.engine.ImapSession;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's listing gives the same summaries as {@code Mailbox.list} (on Angus) for the
 * obsolete-syntax corpus and a few thousand ordinary messages, and accounts for every UID.
 */
class EngineListingTest {
  private TestMailServer server;
  private TestUser user;
  private int delivered;

  @BeforeEach
  void deliver() throws IOException, URISyntaxException {
    server = TestMailServer.start();
    user = server.createUser("erin@example.test", "erin-pw");
    Path dir = Path.of(Objects.requireNonNull(EngineListingTest.class.getResource("/obsolete-syntax")).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
        String raw = Files.readString(f, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        server.deliver(user, raw.getBytes(StandardCharsets.ISO_8859_1));
        delivered++;
      }
    }
    List<byte[]> plain = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      plain.add(("From: \"Sender " + i + "\" <s" + i + "@example.test>\r\nTo: erin@example.test\r\nSubject: =?UTF-8?Q?n=C2=B0_"
          + i + "?=\r\nDate: Mon, 1 Jun 2026 10:00:00 +0200\r\nMessage-ID: <m" + i + "@example.test>\r\n\r\nbody " + i
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    server.append(user, "INBOX", plain);
    delivered += plain.size();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * The same addresses with the same display names, except a name Angus could not decode (an unknown
   * charset), which it keeps as the raw encoded word while the engine decodes what it can.
   */
  private static void sameAddresses(List<dev.satchel.mail.EmailAddress> engine, List<dev.satchel.mail.EmailAddress> angus,
      String what) {
    assertThat(engine).as(what).extracting(dev.satchel.mail.EmailAddress::address)
        .isEqualTo(angus.stream().map(dev.satchel.mail.EmailAddress::address).toList());
    for (int k = 0; k < angus.size(); k++) {
      if (angus.get(k).displayName().filter(n -> n.contains("=?")).isEmpty()) {
        assertThat(engine.get(k).displayName()).as(what).isEqualTo(angus.get(k).displayName());
      }
    }
  }

  @Test
  void listsWhatMailboxListListsWithEveryUidAccountedFor() {
    List<MessageSummary> viaAngus;
    try (Mailbox mailbox = Mailbox.connect(server.settings(user, Protocol.IMAP))) {
      viaAngus = mailbox.list(mailbox.inbox());
    }
    EngineListing.Result viaEngine;
    try (ImapSession session = ImapSession.open(server.settings(user, Protocol.IMAP), Duration.ofSeconds(60))) {
      viaEngine = EngineListing.list(session, "INBOX");
    }
    assertThat(viaEngine.missing()).isEmpty();
    assertThat(viaEngine.summaries()).hasSize(delivered).hasSameSizeAs(viaAngus);
    for (int i = 0; i < viaAngus.size(); i++) {
      MessageSummary a = viaAngus.get(i);
      MessageSummary e = viaEngine.summaries().get(i);
      assertThat(e.uid()).isEqualTo(a.uid());
      assertThat(e.flags()).isEqualTo(a.flags());
      assertThat(e.size()).isEqualTo(a.size());
      assertThat(e.internalDate()).isEqualTo(a.internalDate());
      assertThat(e.envelope().subject()).as("subject of %s", a.uid()).isEqualTo(a.envelope().subject());
      sameAddresses(e.envelope().from(), a.envelope().from(), "from of " + a.uid());
      sameAddresses(e.envelope().to(), a.envelope().to(), "to of " + a.uid());
      assertThat(e.envelope().messageId()).isEqualTo(a.envelope().messageId());
      assertThat(e.envelope().date()).as("date of %s", a.uid()).isEqualTo(a.envelope().date());
    }
  }
}
