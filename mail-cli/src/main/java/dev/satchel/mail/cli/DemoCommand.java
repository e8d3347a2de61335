package dev.satchel.mail.cli;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code satchel demo}: starts an embedded test mail server and shows, step by step, what IMAP, POP3
 * and SMTP do through Satchel, and how IMAP and POP3 differ.
 */
@Command(mixinStandardHelpOptions = true, name = "demo",
    description = {"See IMAP, POP3 and SMTP work, on an embedded server.",
        "Starts a mail server inside this process on 127.0.0.1, sends a message over SMTP, reads it over IMAP and",
        "POP3, and shows the difference: IMAP manages mail on the server, POP3 only downloads. Needs nothing but Java."})
final class DemoCommand implements Callable<Integer>, HasCommonOptions {
  private static final Duration ARRIVAL = Duration.ofSeconds(30);

  private final Satchel satchel;

  @Mixin
  CommonOptions common = new CommonOptions();

  DemoCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() {
    PrintWriter out = satchel.io.out;
    out.println("Satchel demo: everything below runs against a mail server inside this process, on 127.0.0.1 only.");
    try (TestMailServer server = TestMailServer.start()) {
      String password = UUID.randomUUID().toString();
      TestUser alice = server.createUser("alice@satchel.test", password);
      TestUser bob = server.createUser("bob@satchel.test", UUID.randomUUID().toString());
      out.printf(Locale.ROOT, "Started the embedded server (GreenMail) with TLS on SMTP %d, IMAP %d, POP3 %d,"
              + " using a certificate made for this run.%n", server.port(Protocol.SMTP, Security.TLS),
          server.port(Protocol.IMAP, Security.TLS), server.port(Protocol.POP3, Security.TLS));
      out.println("Accounts: alice@satchel.test and bob@satchel.test.");
      MailSettings imap = server.settings(alice, Protocol.IMAP, Security.TLS);
      MailSettings pop3 = server.settings(alice, Protocol.POP3, Security.TLS);
      MailSettings smtp = server.settings(bob, Protocol.SMTP, Security.TLS);

      step(out, 1, "Send over SMTP");
      send(out, server, smtp, "Lunch on Friday?", "Hi Alice,\nlunch on Friday at noon?\nBob", 1);
      send(out, server, smtp, "Minutes of Monday's meeting", "Hi Alice,\nthe minutes are below.\nBob", 2);

      step(out, 2, "Read over IMAP");
      try (Mailbox box = Mailbox.connect(imap)) {
        listInbox(out, box);
        MessageSummary first = box.list(box.inbox()).get(0);
        Message message = box.fetch(box.inbox(), first.uid());
        out.println("  fetched \"" + message.subject() + "\": " + firstLine(message));
        out.println("  still unread after fetching: " + yesNo(!box.list(box.inbox()).get(0).isSeen())
            + " (Satchel never marks a message read just because it was read)");
        out.println("  IMAP can: " + names(box.capabilities()));
      }

      step(out, 3, "Read over POP3");
      try (Mailbox box = Mailbox.connect(pop3)) {
        listInbox(out, box);
        out.println("  POP3 can: " + names(box.capabilities()));
      }

      step(out, 4, "IMAP manages mail on the server: a second connection sees every change");
      imapChanges(out, imap);

      step(out, 5, "POP3 only downloads: it refuses what it cannot do, and says why");
      try (Mailbox box = Mailbox.connect(pop3)) {
        Uid uid = box.list(box.inbox()).get(0).uid();
        List<String> reasons = new ArrayList<>();
        refused(out, reasons, "mark read", () -> box.addFlags(box.inbox(), List.of(uid), Set.of(Flag.SEEN)));
        refused(out, reasons, "move to Archive", () -> box.move(box.inbox(), List.of(uid), Folder.named("Archive")));
        refused(out, reasons, "list folders", box::folders);
        if (!reasons.isEmpty()) {
          out.println("  the exception explains: " + reasons.get(0));
        }
      }

      step(out, 6, "POP3 delete after download removes the message for every client");
      popDeleteAfterDownload(out, server, pop3, imap);

      step(out, 7, "Quota over IMAP");
      try (Mailbox box = Mailbox.connect(imap)) {
        quota(out, box);
      }

      out.println();
      out.println("In short: use IMAP to manage mail on the server (flags, folders, moves, deletes seen by every");
      out.println("client); POP3 downloads the inbox and can delete what it downloaded, nothing more.");
      out.println("Demo finished; the embedded server is stopped.");
    }
    return ExitCodes.OK;
  }

  private static void step(PrintWriter out, int n, String title) {
    out.println();
    out.println(n + ". " + title);
    out.flush();
  }

  private static void send(PrintWriter out, TestMailServer server, MailSettings smtp, String subject, String text,
      int expected) {
    OutgoingMessage message = OutgoingMessage.builder()
        .from("bob@satchel.test").to("alice@satchel.test").subject(subject).text(text).build();
    try (Transport transport = Transport.connect(smtp)) {
      SendResult result = transport.send(message);
      out.println("  bob -> alice \"" + subject + "\": accepted for "
          + result.accepted().stream().map(a -> a.address()).collect(Collectors.joining(", "))
          + ", Message-ID " + result.messageId());
    }
    if (!server.awaitReceived(expected, ARRIVAL)) {
      throw new CliException(ExitCodes.SOFTWARE, "the embedded server did not store the message within " + ARRIVAL);
    }
  }

  private static void listInbox(PrintWriter out, Mailbox box) {
    List<MessageSummary> all = box.list(box.inbox());
    out.println("  INBOX has " + all.size() + " message" + (all.size() == 1 ? "" : "s") + ":");
    for (MessageSummary m : all) {
      out.println("    " + m.uid().asString() + "  from " + from(m) + "  \"" + m.envelope().subject() + "\""
          + (box.protocol() == Protocol.IMAP ? (m.isSeen() ? "  read" : "  unread") : ""));
    }
  }

  private static void imapChanges(PrintWriter out, MailSettings imap) {
    try (Mailbox a = Mailbox.connect(imap); Mailbox b = Mailbox.connect(imap)) {
      out.println("  (two IMAP connections, A and B, to the same account)");
      Folder inbox = a.inbox();
      MessageSummary first = a.list(inbox).get(0);
      a.addFlags(inbox, List.of(first.uid()), Set.of(Flag.SEEN));
      boolean seen = b.list(b.inbox()).stream().filter(m -> m.uid().equals(first.uid())).anyMatch(MessageSummary::isSeen);
      out.println("  A marks \"" + first.envelope().subject() + "\" read        -> B sees it read: " + yesNo(seen));
      Folder archive = a.folder("Archive").orElseGet(() -> a.createFolder("Archive"));
      try {
        a.move(inbox, List.of(first.uid()), archive);
        long inInbox = b.status(b.inbox()).messages();
        List<MessageSummary> archived = b.list(archive);
        out.println("  A moves it to Archive            -> B sees INBOX: " + inInbox + ", Archive: " + archived.size());
        a.delete(archive, archived.stream().map(MessageSummary::uid).toList());
        out.println("  A deletes it in Archive          -> B sees Archive: " + b.status(archive).messages());
      } catch (UnsupportedCapabilityException e) {
        out.println("  A cannot move on this server: " + e.getMessage());
      }
    }
  }

  private static void refused(PrintWriter out, List<String> reasons, String what, Runnable action) {
    try {
      action.run();
      out.println("  " + what + ": done (unexpected for POP3)");
    } catch (UnsupportedCapabilityException e) {
      String message = String.valueOf(e.getMessage());
      int end = message.indexOf(". ");
      out.printf(Locale.ROOT, "  %-16s -> refused: %s%n", what, end < 0 ? message : message.substring(0, end + 1));
      if (end >= 0) {
        reasons.add(message.substring(end + 2));
      }
    }
  }

  private static void popDeleteAfterDownload(PrintWriter out, TestMailServer server, MailSettings pop3, MailSettings imap) {
    int before = server.receivedRaw().size();
    List<Uid> downloaded = new ArrayList<>();
    try (Mailbox box = Mailbox.connect(pop3)) {
      for (MessageSummary m : box.list(box.inbox())) {
        Message message = box.fetch(box.inbox(), m.uid());
        out.println("  POP3 downloads \"" + message.subject() + "\" and deletes it on the server");
        downloaded.add(m.uid());
      }
      box.delete(box.inbox(), downloaded);
      out.println("  POP3 ends the session cleanly (QUIT): the server now removes " + downloaded.size() + " message"
          + (downloaded.size() == 1 ? "" : "s"));
    }
    // The embedded server removes the messages just after it answered QUIT: wait for it (bounded).
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    while (server.receivedRaw().size() > before - downloaded.size() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    try (Mailbox box = Mailbox.connect(imap)) {
      long left = box.status(box.inbox()).messages();
      out.println("  a new IMAP connection sees INBOX: " + left + " message" + (left == 1 ? "" : "s")
          + (left == 0 ? " - gone for every client, not just for the POP3 one" : ""));
    }
  }

  private static void quota(PrintWriter out, Mailbox box) {
    if (!box.supports(Capability.QUOTA)) {
      out.println("  The embedded server (GreenMail) does not offer the IMAP QUOTA extension, so there is no usage to");
      out.println("  show here. On a server that does (for example Dovecot with its quota plugin), mailbox.quota() and");
      out.println("  'satchel doctor' report it.");
      return;
    }
    List<Quota> quotas = box.quota();
    List<String> lines = new ArrayList<>();
    for (Quota q : quotas) {
      for (Quota.Resource r : q.resources()) {
        lines.add("  quota root \"" + q.root() + "\": " + Units.resource(r));
      }
    }
    if (lines.isEmpty()) {
      out.println("  The embedded server offers QUOTA but sets no limit for this account, so it reports no usage.");
    } else {
      lines.forEach(out::println);
    }
  }

  private static String from(MessageSummary m) {
    return m.envelope().from().isEmpty() ? "(unknown)" : m.envelope().from().get(0).address();
  }

  private static String firstLine(Message message) {
    String text = message.text().orElse("").strip();
    int nl = text.indexOf('\n');
    return "\"" + (nl < 0 ? text : text.substring(0, nl).strip()) + "\"";
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  static String names(Set<Capability> caps) {
    return caps.isEmpty() ? "(nothing)" : caps.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted()
        .collect(Collectors.joining(" "));
  }
}
