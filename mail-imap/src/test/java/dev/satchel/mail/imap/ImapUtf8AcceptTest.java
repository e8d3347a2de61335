package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Folder names with UTF8=ACCEPT (RFC 6855) and without it: enabled when offered, names then travel as
 * UTF-8 in both directions; otherwise in modified UTF-7 (RFC 3501 section 5.1.3).
 */
class ImapUtf8AcceptTest {
  /** A server holding one folder named "Entwürfe", offering UTF8=ACCEPT or not. */
  private static final class Server implements AutoCloseable {
    final List<String> received = new CopyOnWriteArrayList<>();
    final LoopbackServer server;
    final boolean utf8;

    Server(boolean utf8) throws IOException {
      this.utf8 = utf8;
      this.server = LoopbackServer.start("utf8-imap", this::serve);
    }

    private void serve(Socket s) throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      String caps = "IMAP4rev1 ENABLE" + (utf8 ? " UTF8=ACCEPT" : "");
      write(out, "* OK [CAPABILITY " + caps + "] ready\r\n");
      boolean enabled = false;
      String line;
      while ((line = in.readLine()) != null) {
        received.add(line);
        String[] w = line.split(" ", 3);
        String tag = w[0];
        String verb = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
        String name = enabled ? "\"Entwürfe\"" : "\"Entw&APw-rfe\"";
        switch (verb) {
          case "LOGIN" -> write(out, tag + " OK [CAPABILITY " + caps + "] in\r\n");
          case "ENABLE" -> {
            enabled = utf8 && line.contains("UTF8=ACCEPT");
            write(out, (enabled ? "* ENABLED UTF8=ACCEPT\r\n" : "") + tag + " OK enabled\r\n");
          }
          case "SELECT" -> write(out, "* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 1] ok\r\n"
              + "* OK [PERMANENTFLAGS (\\Seen)] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
          case "LIST" -> write(out, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasNoChildren) \"/\" " + name
              + "\r\n" + tag + " OK done\r\n");
          case "LOGOUT" -> {
            write(out, "* BYE bye\r\n" + tag + " OK done\r\n");
            return;
          }
          default -> write(out, tag + " OK done\r\n");
        }
      }
    }

    private static void write(OutputStream out, String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    MailSettings settings() {
      return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", server.port(), Security.NONE)
          .password("u@example.test", "pw").build();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  @Test
  void withUtf8AcceptNamesTravelAsUtf8() throws IOException {
    try (Server server = new Server(true); Mailbox m = Mailbox.connect(server.settings())) {
      assertThat(m.folders()).extracting(Folder::fullName).contains("Entwürfe");
      m.createFolder("Grüße");
      assertThat(server.received).anyMatch(l -> l.matches("\\S+ ENABLE .*UTF8=ACCEPT.*"))
          .anyMatch(l -> l.endsWith("CREATE \"Grüße\""));
    }
  }

  @Test
  void aMessageWithUtf8HeaderFieldsIsAppendedAsUtf8Data() {
    byte[] utf8 = "From: J\u00fcrgen <j\u00fcrgen@example.test>\r\nSubject: x\r\n\r\nbody \u00e4\r\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] ascii = "From: a@example.test\r\nSubject: x\r\n\r\nbody \u00e4\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(ImapMailbox.eightBitHeader(utf8)).isTrue();
    assertThat(ImapMailbox.eightBitHeader(ascii)).as("8-bit only in the body").isFalse();
    assertThat(ImapMailbox.eightBitHeader("Subject: x\n\n\u00e4".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void withoutItNamesTravelInModifiedUtf7() throws IOException {
    try (Server server = new Server(false); Mailbox m = Mailbox.connect(server.settings())) {
      assertThat(m.folders()).extracting(Folder::fullName).contains("Entwürfe");
      m.createFolder("Grüße");
      assertThat(server.received).noneMatch(l -> l.contains("UTF8=ACCEPT"))
          .anyMatch(l -> l.endsWith("CREATE \"Gr&APwA3w-e\""));
    }
  }
}
