package dev.satchel.mail.cli;

import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code satchel list}: the messages in a folder, one per line. */
@Command(mixinStandardHelpOptions = true, name = "list", sortOptions = false,
    description = {"List the messages in a folder.",
        "One line per message (default folder INBOX): UID, date, sender, size, flags and subject.",
        "The UID in the first column is what 'satchel fetch' takes."})
final class ListCommand implements Runnable, HasCommonOptions {
  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The account, for example alice@example.com.")
  String address = "";

  @Option(names = "--folder", paramLabel = "NAME", description = "The folder (default: INBOX).")
  String folder = Folder.INBOX;

  @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "imap or pop3 (default: imap, or the --server given).")
  @Nullable Protocol protocol;

  @Option(names = "--newest", paramLabel = "N", description = "Only the N newest messages, newest first.")
  @Nullable Integer newest;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text, tsv or json (default: text).")
  OutputFormat format = OutputFormat.TEXT;

  @Mixin
  AccountOptions account = new AccountOptions();

  @Mixin
  CommonOptions common = new CommonOptions();

  ListCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    if (newest != null && newest < 0) {
      throw new CliException(ExitCodes.USAGE, "--newest must be 0 or more, was " + newest);
    }
    PrintWriter out = satchel.io.out;
    try (Mailbox mailbox = MailboxAccess.open(satchel.io, account, address, protocol)) {
      Folder f = MailboxAccess.folder(mailbox, folder);
      List<MessageSummary> messages = newest != null ? mailbox.listNewest(f, newest) : mailbox.list(f);
      boolean flags = mailbox.protocol() == Protocol.IMAP;
      switch (format) {
        case TEXT -> {
          for (MessageSummary m : messages) {
            out.printf(Locale.ROOT, "%-24s %-16s %-28s %9s %-6s %s%n", m.uid().asString(), date(m), from(m),
                Units.bytes(m.size()), flags ? flagLetters(m) : "", m.envelope().subject());
          }
          out.println(messages.size() + " message" + (messages.size() == 1 ? "" : "s") + " in " + f.fullName());
        }
        case TSV -> {
          out.println(String.join("\t", "uid", "date", "from", "size", "flags", "subject", "message_id"));
          for (MessageSummary m : messages) {
            out.println(String.join("\t", m.uid().asString(), date(m), OutputFormat.cell(from(m)), Long.toString(m.size()),
                flagNames(m), OutputFormat.cell(m.envelope().subject()),
                OutputFormat.cell(m.envelope().messageId().orElse(""))));
          }
        }
        case JSON -> out.println(Json.write(messages.stream().map(ListCommand::json).toList()));
      }
    }
  }

  private static Map<String, Object> json(MessageSummary m) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("uid", m.uid().asString());
    j.put("date", m.envelope().date().map(DateTimeFormatter.ISO_OFFSET_DATE_TIME::format).orElse(null));
    j.put("from", m.envelope().from().stream().map(a -> a.address()).toList());
    j.put("to", m.envelope().to().stream().map(a -> a.address()).toList());
    j.put("subject", m.envelope().subject());
    j.put("size", m.size());
    j.put("flags", m.flags().stream().map(fl -> fl.name().toLowerCase(Locale.ROOT)).sorted().toList());
    j.put("keywords", m.keywords().stream().sorted().toList());
    j.put("messageId", m.envelope().messageId().orElse(null));
    return j;
  }

  private static String date(MessageSummary m) {
    return m.envelope().date().map(d -> d.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT))).orElse("-");
  }

  private static String from(MessageSummary m) {
    return m.envelope().from().isEmpty() ? "-" : m.envelope().from().get(0).address();
  }

  /** S = read, A = answered, F = flagged, D = deleted, R = draft; "." for an unset flag. */
  private static String flagLetters(MessageSummary m) {
    return (m.flags().contains(Flag.SEEN) ? "S" : ".") + (m.flags().contains(Flag.ANSWERED) ? "A" : ".")
        + (m.flags().contains(Flag.FLAGGED) ? "F" : ".") + (m.flags().contains(Flag.DELETED) ? "D" : ".")
        + (m.flags().contains(Flag.DRAFT) ? "R" : ".");
  }

  private static String flagNames(MessageSummary m) {
    return m.flags().stream().map(fl -> fl.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(","));
  }
}
