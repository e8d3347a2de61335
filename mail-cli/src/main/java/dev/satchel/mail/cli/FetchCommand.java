package dev.satchel.mail.cli;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code satchel fetch}: one message, shown or saved as raw RFC 5322 bytes. */
@Command(mixinStandardHelpOptions = true, name = "fetch", sortOptions = false,
    description = {"Show one message, or save it with --output.",
        "Shows the headers, text body and attachments, or saves the raw message unchanged with --output.",
        "Fetching never marks the message read."})
final class FetchCommand implements Runnable, HasCommonOptions {
  private final Satchel satchel;

  @Parameters(index = "0", paramLabel = "ADDRESS", description = "The account, for example alice@example.com.")
  String address = "";

  @Parameters(index = "1", paramLabel = "UID", description = "The UID as 'satchel list' prints it, for example imap:1700000000/42.")
  String uid = "";

  @Option(names = "--folder", paramLabel = "NAME", description = "The folder (default: INBOX).")
  String folder = Folder.INBOX;

  @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "imap or pop3 (default: from the UID).")
  @Nullable Protocol protocol;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Save the raw message (.eml) to FILE, with a progress bar on standard error.")
  @Nullable Path output;

  @Option(names = "--progress", negatable = true,
      description = "Show the progress bar (default: only when standard error is a terminal).")
  @Nullable Boolean progress;

  @Mixin
  AccountOptions account = new AccountOptions();

  @Mixin
  CommonOptions common = new CommonOptions();

  FetchCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    Uid id;
    try {
      id = Uid.parse(uid);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage() + "; copy the UID from 'satchel list'", e);
    }
    Protocol p = protocol != null ? protocol : id instanceof Uid.Imap ? Protocol.IMAP : Protocol.POP3;
    try (Mailbox mailbox = MailboxAccess.open(satchel.io, account, address, p)) {
      Folder f = MailboxAccess.folder(mailbox, folder);
      Path target = output;
      if (target == null) {
        show(satchel.io.out, mailbox.fetch(f, id));
      } else {
        save(mailbox, f, id, target);
      }
    }
  }

  private void save(Mailbox mailbox, Folder f, Uid id, Path target) {
    long size = size(mailbox, f, id);
    boolean bar = progress != null ? progress : satchel.io.terminal;
    Path parent = target.toAbsolutePath().getParent();
    Path part = target.resolveSibling(target.getFileName() + ".part");
    long done = 0;
    ProgressBar progressBar = bar ? new ProgressBar(satchel.io.err, "downloading", size) : null;
    try (InputStream in = mailbox.openRaw(f, id)) {
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = Files.newOutputStream(part)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          done += n;
          if (progressBar != null) {
            progressBar.update(done);
          }
        }
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(part);
      throw new CliException(ExitCodes.LOCAL_IO, "cannot save the message to " + target + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(part);
      throw e;
    }
    if (progressBar != null) {
      progressBar.finish(done);
    }
    satchel.io.out.println("saved " + Units.bytes(done) + " to " + target);
  }

  /** The size the server reports, or -1 when the message is not listed. */
  private static long size(Mailbox mailbox, Folder f, Uid id) {
    if (id instanceof Uid.Imap imap && mailbox.supports(Capability.UNIQUE_IDS)) {
      return mailbox.list(f, new UidRange(imap.uid(), imap.uid())).stream()
          .filter(m -> m.uid().equals(id)).mapToLong(MessageSummary::size).findFirst().orElse(-1);
    }
    return mailbox.list(f).stream().filter(m -> m.uid().equals(id)).mapToLong(MessageSummary::size).findFirst().orElse(-1);
  }

  private static void show(PrintWriter out, Message m) {
    out.println("UID:     " + m.uid().asString());
    out.println("From:    " + m.envelope().from().stream().map(Object::toString).collect(Collectors.joining(", ")));
    out.println("To:      " + m.envelope().to().stream().map(Object::toString).collect(Collectors.joining(", ")));
    if (!m.envelope().cc().isEmpty()) {
      out.println("Cc:      " + m.envelope().cc().stream().map(Object::toString).collect(Collectors.joining(", ")));
    }
    m.envelope().date().ifPresent(d -> out.println("Date:    " + d));
    out.println("Subject: " + m.subject());
    out.println();
    if (m.text().isPresent()) {
      out.println(m.text().get());
    } else if (m.html().isPresent()) {
      out.println("(this message has only an HTML body; save it with --output to open it elsewhere)");
    } else {
      out.println("(no text body)");
    }
    for (MessagePart part : m.parts()) {
      out.println("[" + (part.isInline() ? "inline" : "attachment") + "] " + part.filename().orElse("(no name)") + "  "
          + part.mediaType() + (part.size().isPresent() ? "  " + Units.bytes(part.size().getAsLong()) : ""));
    }
    for (String problem : m.problems()) {
      out.println("[problem] " + problem);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // the failure that brought us here is reported instead
    }
  }
}
