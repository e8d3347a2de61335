package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import dev.satchel.mail.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading and purging the test server's mail straight from its store: {@code received(...)}, {@code purge(...)}. */
@ExtendWith(TestMailServerExtension.class)
class TestMailServerStoreTest {
  private TestMailServer server;
  private TestUser alice;
  private TestUser bob;

  @BeforeEach
  void createUsers(TestMailServer server) {
    this.server = server;
    alice = server.createUser("alice@example.com", "alice-secret");
    bob = server.createUser("bob@example.com", "bob-secret");
  }

  private void deliver(TestUser to, String subject) {
    server.deliver(to, OutgoingMessage.builder().from("shop@example.com").to(to.address()).subject(subject).text("Hi").build());
  }

  private static List<String> subjects(List<Message> messages) {
    return messages.stream().map(Message::subject).toList();
  }

  @Test
  void receivedByAddressListsThatAccountsInboxInArrivalOrder() {
    deliver(alice, "first");
    deliver(bob, "for bob");
    deliver(alice, "second");
    deliver(alice, "third");

    List<Message> inbox = server.received("alice@example.com");
    assertThat(subjects(inbox)).containsExactly("first", "second", "third");
    assertThat(inbox).extracting(m -> ((Uid.Imap) m.uid()).uid()).isSorted().doesNotHaveDuplicates();
    assertThat(subjects(server.received("BOB@Example.com"))).containsExactly("for bob");
    assertThat(subjects(server.received("bob@example.com", "inbox"))).containsExactly("for bob");
  }

  @Test
  void receivedFromAFolderReadsThatFolderOnly() {
    Seeder.messages(3).to("alice@example.com").subjectPrefix("Archived").appendTo(server, alice, "Archive.2024");
    deliver(alice, "in the inbox");

    assertThat(subjects(server.received("alice@example.com", "Archive.2024")))
        .containsExactly("Archived 0", "Archived 1", "Archived 2");
    assertThat(server.received("alice@example.com", "Archive")).isEmpty();
    assertThat(subjects(server.received("alice@example.com"))).containsExactly("in the inbox");
  }

  @Test
  void anAddressWithoutAnAccountHasReceivedNothing() {
    assertThat(server.received("nobody@example.com")).isEmpty();
    assertThat(server.received("nobody@example.com", "Archive")).isEmpty();
    assertThat(server.awaitReceived("nobody@example.com", 1, Duration.ZERO)).isFalse();
  }

  @Test
  void badAddressOrMissingFolderIsRefusedWithTheReason() {
    server.createFolder(alice, "Projects.Satchel");
    assertThatThrownBy(() -> server.received("not an address")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an address");
    assertThatThrownBy(() -> server.received("alice@example.com", "Projets"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no folder \"Projets\" for alice@example.com; its folders are [INBOX, Projects, Projects.Satchel]");
  }

  @Test
  void awaitReceivedForOneAddressWaitsForMailSentOverSmtp() throws Exception {
    byte[] raw = Seeder.messages(1).from("alice@example.com").to("carol@example.com").build().get(0);
    MailClients.send(server.settings(alice, Protocol.SMTP), raw, "carol@example.com");

    assertThat(server.awaitReceived("carol@example.com", 1, Duration.ofSeconds(10))).isTrue();
    assertThat(subjects(server.received("carol@example.com"))).containsExactly("Message 0");
    assertThat(server.awaitReceived("alice@example.com", 1, Duration.ZERO)).isFalse();
  }

  @Test
  void purgeRemovesEveryMessageOfEveryAccountAndKeepsUsersAndFolders() throws Exception {
    deliver(alice, "a1");
    deliver(bob, "b1");
    Seeder.messages(2).appendTo(server, alice, "Archive");

    server.purge();

    assertThat(server.received()).isEmpty();
    assertThat(server.received("alice@example.com", "Archive")).isEmpty();
    assertThat(server.received("bob@example.com")).isEmpty();
    assertThat(MailClients.fetchInbox(server.settings(alice, Protocol.IMAP))).isEmpty(); // alice can still log in
    deliver(alice, "after the purge");
    assertThat(subjects(server.received("alice@example.com"))).containsExactly("after the purge");
  }

  @Test
  void purgeOfOneAddressLeavesTheOtherAccounts() {
    deliver(alice, "a1");
    Seeder.messages(2).appendTo(server, alice, "Archive");
    deliver(bob, "b1");

    server.purge("Alice@example.com");
    server.purge("nobody@example.com"); // no account: nothing to do

    assertThat(server.received("alice@example.com")).isEmpty();
    assertThat(server.received("alice@example.com", "Archive")).isEmpty();
    assertThat(subjects(server.received("bob@example.com"))).containsExactly("b1");
  }

  @Test
  void purgeIsSeenByAnImapSessionThatHasTheFolderOpen() throws Exception {
    deliver(alice, "a1");
    deliver(alice, "a2");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(TestMailServer.HOST, server.port(Protocol.IMAP, Security.NONE)), 5_000);
      socket.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
      in.readLine(); // greeting
      imap(in, out, "a LOGIN alice@example.com alice-secret");
      assertThat(imap(in, out, "b SELECT INBOX")).contains("* 2 EXISTS");

      server.purge("alice@example.com");
      deliver(alice, "a3");

      // the session is told of the removal as of an expunge, then of the new message
      assertThat(imap(in, out, "c NOOP")).filteredOn(l -> l.endsWith("EXPUNGE")).hasSize(2);
      assertThat(String.join("\n", imap(in, out, "d FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")))
          .contains("Subject: a3").doesNotContain("Subject: a1");
    }
  }

  /** Sends one IMAP command and returns the lines up to its tagged answer, which must be OK. */
  private static List<String> imap(BufferedReader in, Writer out, String command) throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    out.write(command + "\r\n");
    out.flush();
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      lines.add(line);
      if (line.startsWith(tag + " ")) {
        assertThat(line).as("answer to %s", command).startsWith(tag + " OK");
        return lines;
      }
    }
    throw new IOException("connection closed after " + lines);
  }

  @Test
  void closedServerRefusesStoreCalls() {
    server.close();
    assertThatThrownBy(() -> server.received("alice@example.com")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> server.purge()).isInstanceOf(IllegalStateException.class);
  }
}
