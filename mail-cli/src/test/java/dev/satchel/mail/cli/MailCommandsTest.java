package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import dev.satchel.mail.testkit.TestUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestMailServerExtension.class)
class MailCommandsTest {
  private static final String PASSWORD = "cli-secret";

  private static String spec(TestMailServer server, Protocol protocol) {
    return protocol.name().toLowerCase(Locale.ROOT) + ":127.0.0.1:" + server.port(protocol, Security.NONE) + ":none";
  }

  private static Cli cli() {
    return new Cli().env("SATCHEL_PASSWORD", PASSWORD);
  }

  private static TestUser aliceWithMail(TestMailServer server, String... subjects) {
    TestUser alice = server.createUser("alice@satchel.test", PASSWORD);
    for (String subject : subjects) {
      server.deliver(alice, OutgoingMessage.builder().from("bob@satchel.test").to("alice@satchel.test")
          .subject(subject).text("Body of " + subject).build());
    }
    return alice;
  }

  @Test
  void sendDeliversTheMessage(TestMailServer server) {
    server.createUser("bob@satchel.test", PASSWORD);
    server.createUser("alice@satchel.test", PASSWORD);

    Cli.Result r = cli().run("send", "bob@satchel.test", "--server", spec(server, Protocol.SMTP),
        "--to", "alice@satchel.test", "--subject", "Hello from the CLI", "--text", "Hi Alice");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).containsPattern("sent <[^>]+> to 1 recipient");
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    Message received = server.received().get(0);
    assertThat(received.subject()).isEqualTo("Hello from the CLI");
    assertThat(received.text()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("Hi Alice"));
  }

  @Test
  void sendReadsTheBodyFromStandardInputAndAttachesFiles(TestMailServer server, @TempDir Path dir) throws Exception {
    server.createUser("bob@satchel.test", PASSWORD);
    Path file = Files.writeString(dir.resolve("notes.txt"), "attached notes");

    Cli.Result r = new Cli().stdin("Body from stdin\n").run("send", "bob@satchel.test", "--no-login",
        "--server", spec(server, Protocol.SMTP), "--to", "carol@satchel.test", "--subject", "Files",
        "--text-file", "-", "--attach", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(server.awaitReceived(1, Duration.ofSeconds(10))).isTrue();
    Message received = server.received().get(0);
    assertThat(received.text()).hasValueSatisfying(t -> assertThat(t).contains("Body from stdin"));
    assertThat(received.attachments()).singleElement().satisfies(a -> {
      assertThat(a.filename()).hasValue("notes.txt");
      assertThat(new String(a.bytes(), StandardCharsets.UTF_8)).isEqualTo("attached notes");
    });
  }

  @Test
  void sendWithoutRecipientIsAUsageError(TestMailServer server) {
    Cli.Result r = cli().run("send", "bob@satchel.test", "--server", spec(server, Protocol.SMTP), "--subject", "x");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).isEqualTo("satchel: no recipient: give at least one --to, --cc or --bcc\n");
  }

  @Test
  void listOverPop3InEachFormat(TestMailServer server) {
    aliceWithMail(server, "First", "Second");
    String pop3 = spec(server, Protocol.POP3);

    Cli.Result text = cli().run("list", "alice@satchel.test", "--server", pop3);
    Cli.Result tsv = cli().run("list", "alice@satchel.test", "--server", pop3, "--format", "tsv");
    Cli.Result json = cli().run("list", "alice@satchel.test", "--server", pop3, "--format", "json");

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).containsPattern("pop3:\\S+\\s+.*bob@satchel\\.test.*First")
        .contains("Second").contains("2 messages in INBOX");
    List<String> lines = tsv.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("uid\tdate\tfrom\tsize\tflags\tsubject\tmessage_id");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).split("\t")[5]).isEqualTo("First");
    assertThat(json.out().strip()).startsWith("[").endsWith("]").contains("\"subject\": \"Second\"")
        .contains("\"from\": [\n      \"bob@satchel.test\"");
  }

  @Test
  void fetchShowsTheMessage(TestMailServer server) {
    aliceWithMail(server, "Show me");
    String pop3 = spec(server, Protocol.POP3);
    String uid = cli().run("list", "alice@satchel.test", "--server", pop3, "--format", "tsv")
        .out().lines().skip(1).findFirst().orElseThrow().split("\t")[0];

    Cli.Result r = cli().run("fetch", "alice@satchel.test", uid, "--server", pop3);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("UID:     " + uid).contains("Subject: Show me").contains("Body of Show me");
  }

  @Test
  void fetchToAFileSavesTheRawMessageWithAProgressBar(TestMailServer server, @TempDir Path dir) throws Exception {
    TestUser alice = server.createUser("alice@satchel.test", PASSWORD);
    server.deliver(alice, OutgoingMessage.builder().from("bob@satchel.test").to("alice@satchel.test")
        .subject("Big").text("x".repeat(300_000)).build());
    String pop3 = spec(server, Protocol.POP3);
    String uid = cli().run("list", "alice@satchel.test", "--server", pop3, "--format", "tsv")
        .out().lines().skip(1).findFirst().orElseThrow().split("\t")[0];
    Path file = dir.resolve("out/big.eml");

    Cli.Result r = cli().run("fetch", "alice@satchel.test", uid, "--server", pop3, "-o", file.toString(), "--progress");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(file).exists();
    // POP3 cannot tell a final CRLF of the message from its end-of-message marker: compare without it.
    assertThat(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).stripTrailing())
        .isEqualTo(new String(server.receivedRaw().get(0), StandardCharsets.US_ASCII).stripTrailing());
    assertThat(r.err()).contains("downloading [").contains("100%");
    assertThat(r.out()).contains("saved ").contains(file.toString());
    assertThat(dir.resolve("out/big.eml.part")).doesNotExist();
  }

  @Test
  void fetchOfAnUnknownUidIsOneLineAndExitsRefused(TestMailServer server) {
    aliceWithMail(server, "Only one");

    Cli.Result r = cli().run("fetch", "alice@satchel.test", "pop3:no-such-uidl", "--server", spec(server, Protocol.POP3));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void wrongPasswordExitsWithTheLoginCodeAndShowsTheStackTraceOnlyWhenVerbose(TestMailServer server) {
    aliceWithMail(server);
    String pop3 = spec(server, Protocol.POP3);

    Cli.Result quiet = new Cli().env("SATCHEL_PASSWORD", "wrong").run("list", "alice@satchel.test", "--server", pop3);
    Cli.Result verbose = new Cli().env("SATCHEL_PASSWORD", "wrong")
        .run("list", "alice@satchel.test", "--server", pop3, "--verbose");

    assertThat(quiet.exitCode()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(quiet.err().lines()).singleElement().satisfies(l -> assertThat(l).startsWith("satchel: login refused"));
    assertThat(quiet.err()).doesNotContain("wrong");
    assertThat(verbose.exitCode()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(verbose.err()).contains("MailAuthenticationException").contains("\tat ");
  }

  @Test
  void withoutAPasswordListSaysWhereToPutIt(TestMailServer server) {
    aliceWithMail(server);

    Cli.Result r = new Cli().run("list", "alice@satchel.test", "--server", spec(server, Protocol.POP3));

    assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err()).isEqualTo("satchel: no password: set the environment variable SATCHEL_PASSWORD, pass"
        + " --password-stdin, or run in a terminal to be asked\n");
  }

  @Test
  void passwordIsNeverAcceptedAsACommandLineArgument(TestMailServer server) {
    Cli.Result r = cli().run("list", "alice@satchel.test", "--password", PASSWORD);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Unknown options: '--password'");
  }

  @Test
  void connectionRefusedExitsWithTheConnectionCode(TestMailServer server) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    Cli.Result r = cli().run("list", "alice@satchel.test", "--server", "pop3:127.0.0.1:" + port + ":none");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void syncReportsNewMessagesOnceAndRemovedOnes(TestMailServer server, @TempDir Path dir) {
    TestUser alice = aliceWithMail(server, "One");
    String pop3 = spec(server, Protocol.POP3);
    String state = dir.resolve("inbox.state").toString();

    Cli.Result first = cli().run("sync", "alice@satchel.test", "--server", pop3, "--state", state);
    Cli.Result again = cli().run("sync", "alice@satchel.test", "--server", pop3, "--state", state);
    server.deliver(alice, OutgoingMessage.builder().from("bob@satchel.test").to("alice@satchel.test")
        .subject("Two").text("2").build());
    Cli.Result third = cli().run("sync", "alice@satchel.test", "--server", pop3, "--state", state, "--format", "tsv");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).containsPattern("added\\s+pop3:\\S+\\s+One").contains("1 added, 0 changed, 0 removed");
    assertThat(again.out()).contains("0 added, 0 changed, 0 removed");
    assertThat(third.out().lines().toList()).hasSize(2);
    assertThat(third.out()).containsPattern("added\tpop3:\\S+\t\tTwo");
  }

  @Test
  void listFetchAndSyncOverImap(TestMailServer server, @TempDir Path dir) throws Exception {
    TestUser alice = aliceWithMail(server, "Keep", "Drop");
    String imap = spec(server, Protocol.IMAP);
    String state = dir.resolve("imap.state").toString();

    Cli.Result list = cli().run("list", "alice@satchel.test", "--server", imap);
    Cli.Result first = cli().run("sync", "alice@satchel.test", "--server", imap, "--state", state);
    try (Mailbox mailbox = Mailbox.connect(server.settings(alice, Protocol.IMAP))) {
      List<MessageSummary> all = mailbox.list(mailbox.inbox());
      mailbox.addFlags(mailbox.inbox(), List.of(all.get(0).uid()), Set.of(Flag.SEEN));
      mailbox.delete(mailbox.inbox(), List.of(all.get(1).uid()));
    }
    Cli.Result second = cli().run("sync", "alice@satchel.test", "--server", imap, "--state", state);
    String keepUid = list.out().lines().filter(l -> l.endsWith("Keep")).findFirst().orElseThrow().split("\\s+")[0];
    Path saved = dir.resolve("keep.eml");
    Cli.Result fetch = cli().run("fetch", "alice@satchel.test", keepUid, "--server", imap, "-o", saved.toString());

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out()).containsPattern("imap:\\d+/1\\s+.*bob@satchel\\.test.*\\.\\.\\.\\.\\.\\s+Keep")
        .contains("2 messages in INBOX");
    assertThat(first.out()).contains("2 added, 0 changed, 0 removed");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).containsPattern("changed\\s+" + java.util.regex.Pattern.quote(keepUid) + "\\s+seen")
        .containsPattern("removed\\s+imap:\\d+/2").contains("0 added, 1 changed, 1 removed");
    assertThat(fetch.exitCode()).as(fetch.toString()).isZero();
    assertThat(fetch.err()).as("no progress bar without a terminal").isEmpty();
    assertThat(Files.readString(saved)).contains("Subject: Keep");
  }
}
