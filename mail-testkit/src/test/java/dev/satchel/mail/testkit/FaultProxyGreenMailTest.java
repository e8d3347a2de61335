package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proxy in front of a real server (GreenMail, as {@link TestMailServer} runs it) with a real client
 * (Angus): masking is seen by the client, faults surface as client errors, and a new connection after
 * a fault works.
 */
@ExtendWith(ReliabilityReport.class)
class FaultProxyGreenMailTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static TestMailServer server;

  @BeforeAll
  static void startServer() {
    server = TestMailServer.start();
    TestUser alice = server.createUser("alice@example.com", "secret");
    server.deliver(alice, Seeder.messages(1).from("bob@example.com").to("alice@example.com").bodySize(200_000).build().get(0));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static int port(Protocol protocol) {
    return server.port(protocol, Security.NONE);
  }

  private static Session session(String protocol, int port) {
    Properties p = new Properties();
    p.setProperty("mail." + protocol + ".host", "127.0.0.1");
    p.setProperty("mail." + protocol + ".port", Integer.toString(port));
    p.setProperty("mail." + protocol + ".connectiontimeout", "5000");
    p.setProperty("mail." + protocol + ".timeout", "2000");
    p.setProperty("mail." + protocol + ".writetimeout", "5000");
    return Session.getInstance(p);
  }

  @Test
  void imapClientSeesHiddenCapabilitiesAsAbsent() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, port(Protocol.IMAP))) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        IMAPStore direct = (IMAPStore) session("imap", proxy.port()).getStore("imap");
        direct.connect("alice@example.com", "secret");
        assertThat(direct.hasCapability("MOVE")).isTrue();
        assertThat(direct.hasCapability("UIDPLUS")).isTrue();
        direct.close();

        proxy.defaultScript(ConnectionScript.hiding("MOVE", "UIDPLUS", "IDLE"));
        IMAPStore masked = (IMAPStore) session("imap", proxy.port()).getStore("imap");
        masked.connect("alice@example.com", "secret");
        assertThat(masked.hasCapability("MOVE")).isFalse();
        assertThat(masked.hasCapability("UIDPLUS")).isFalse();
        assertThat(masked.hasCapability("IDLE")).isFalse();
        assertThat(masked.hasCapability("IMAP4rev1")).isTrue();
        Folder inbox = masked.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        assertThat(inbox.getMessage(1).getSize()).isGreaterThan(200_000);
        inbox.close(false);
        masked.close();
      });
      assertThat(proxy.connection(1).commandNames()).contains("LOGIN", "EXAMINE", "FETCH").doesNotContain("IDLE");
      assertThat(proxy.connection(1).commands()).isGreaterThanOrEqualTo(proxy.connection(1).commandNames().size());
    }
  }

  @Test
  void pop3ClientSeesHiddenCapaLinesAsAbsent() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.POP3, port(Protocol.POP3))) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        POP3Store direct = (POP3Store) session("pop3", proxy.port()).getStore("pop3");
        direct.connect("alice@example.com", "secret");
        assertThat(direct.capabilities()).containsKey("UIDL");
        direct.close();

        proxy.defaultScript(ConnectionScript.hiding("UIDL", "TOP"));
        POP3Store masked = (POP3Store) session("pop3", proxy.port()).getStore("pop3");
        masked.connect("alice@example.com", "secret");
        assertThat(masked.capabilities()).doesNotContainKeys("UIDL", "TOP").isNotEmpty();
        masked.close();
      });
      assertThat(proxy.connection(1).commandNames()).contains("CAPA", "USER", "PASS", "QUIT");
    }
  }

  @Test
  void smtpClientSeesHiddenEhloKeywordsAsAbsent() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.SMTP, port(Protocol.SMTP))) {
      assertTimeoutPreemptively(DEADLINE, () -> {
        SMTPTransport direct = (SMTPTransport) session("smtp", proxy.port()).getTransport("smtp");
        direct.connect();
        assertThat(direct.supportsExtension("AUTH")).isTrue();
        direct.close();

        proxy.defaultScript(ConnectionScript.hiding("AUTH"));
        SMTPTransport masked = (SMTPTransport) session("smtp", proxy.port()).getTransport("smtp");
        masked.connect();
        assertThat(masked.supportsExtension("AUTH")).isFalse();
        MimeMessage m = new MimeMessage(session("smtp", proxy.port()));
        m.setFrom("bob@example.com");
        m.setSubject("through the proxy");
        m.setText("EHLO inside the body is content, not a command\r\n.leading dot\r\n");
        m.saveChanges();
        masked.sendMessage(m, new InternetAddress[] {new InternetAddress("carol@example.com")});
        masked.close();
      });
      assertThat(proxy.connection(1).commandNames()).containsSubsequence("EHLO", "MAIL", "RCPT", "DATA", "QUIT")
          .containsOnlyOnce("EHLO");
      assertThat(server.awaitReceived(2, Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void cutInTheMiddleOfAFetchFailsAndTheNextConnectionWorks() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, port(Protocol.IMAP))) {
      proxy.enqueue(ConnectionScript.cutAfter(Direction.TO_CLIENT, 50_000));
      assertTimeoutPreemptively(DEADLINE, () -> {
        assertThatThrownBy(() -> fetchFirst(proxy.port())).isInstanceOfAny(MessagingException.class, IOException.class);
        assertThat(fetchFirst(proxy.port())).hasSizeGreaterThan(200_000);
      });
      assertThat(proxy.connection(0).firedFault()).isEqualTo("cut");
      assertThat(proxy.connection(0).bytesToClient()).isEqualTo(50_000);
      assertThat(proxy.connection(1).firedFault()).isNull();
    }
  }

  @Test
  void stalledImapServerFailsWithinTheReadTimeout() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, port(Protocol.IMAP))) {
      proxy.enqueue(ConnectionScript.stall(), ConnectionScript.stallAfter(Direction.TO_CLIENT, 10_000));
      assertTimeoutPreemptively(DEADLINE, () -> {
        assertThatThrownBy(() -> fetchFirst(proxy.port())).isInstanceOfAny(MessagingException.class, IOException.class);
        assertThatThrownBy(() -> fetchFirst(proxy.port())).isInstanceOfAny(MessagingException.class, IOException.class);
        assertThat(fetchFirst(proxy.port())).hasSizeGreaterThan(200_000);
      });
    }
  }

  @Test
  void garbageGreetingIsRejectedByTheClient() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(Protocol.POP3, port(Protocol.POP3))) {
      proxy.enqueue(ConnectionScript.garbage(ConnectionScript.randomGarbage(1, 200)));
      assertTimeoutPreemptively(DEADLINE, () -> {
        POP3Store store = (POP3Store) session("pop3", proxy.port()).getStore("pop3");
        assertThatThrownBy(() -> store.connect("alice@example.com", "secret")).isInstanceOf(MessagingException.class);
      });
    }
  }

  @Test
  void twentyConcurrentSessionsThroughOneProxy() throws Exception {
    int sessions = 20;
    try (FaultProxy proxy = FaultProxy.start(Protocol.IMAP, port(Protocol.IMAP))) {
      ExecutorService pool = Executors.newFixedThreadPool(sessions);
      try {
        assertTimeoutPreemptively(DEADLINE.multipliedBy(2), () -> {
          List<IMAPStore> stores = new ArrayList<>();
          for (int i = 0; i < sessions; i++) {
            IMAPStore s = (IMAPStore) session("imap", proxy.port()).getStore("imap");
            stores.add(s);
          }
          List<Future<Integer>> results = new ArrayList<>();
          for (IMAPStore s : stores) {
            results.add(pool.submit(() -> {
              s.connect("alice@example.com", "secret");
              Folder inbox = s.getFolder("INBOX");
              inbox.open(Folder.READ_ONLY);
              return inbox.getMessageCount();
            }));
          }
          for (Future<Integer> f : results) {
            assertThat(f.get()).isEqualTo(1);
          }
          assertThat(proxy.openConnections()).isEqualTo(sessions);
          for (IMAPStore s : stores) {
            s.close();
          }
        });
      } finally {
        pool.shutdownNow();
      }
      assertThat(proxy.peakConnections()).isEqualTo(sessions);
    }
  }

  private static byte[] fetchFirst(int port) throws MessagingException, IOException {
    IMAPStore store = (IMAPStore) session("imap", port).getStore("imap");
    try {
      store.connect("alice@example.com", "secret");
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Message m = inbox.getMessage(1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out);
      return out.toByteArray();
    } finally {
      try {
        store.close();
      } catch (MessagingException e) {
        // already broken by the fault
      }
    }
  }
}
