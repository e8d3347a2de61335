package dev.satchel.mail.cli;

import dev.satchel.mail.Changes;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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

/** {@code satchel sync}: what changed in a folder since the last run, with the state kept in a file. */
@Command(mixinStandardHelpOptions = true, name = "sync", sortOptions = false,
    description = {"Print what changed in a folder since the last run.",
        "Lists new, changed and removed messages and saves the new state to --state FILE.",
        "The first run reports every message as new.",
        "The state is saved only after the changes were printed: a crash means they are printed again, never lost."})
final class SyncCommand implements Runnable, HasCommonOptions {
  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The account, for example alice@example.com.")
  String address = "";

  @Option(names = "--state", paramLabel = "FILE", required = true, description = "Where the sync state is kept.")
  Path state = Path.of("satchel-sync.state");

  @Option(names = "--folder", paramLabel = "NAME", description = "The folder (default: INBOX).")
  String folder = Folder.INBOX;

  @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "imap or pop3 (default: imap, or the --server given).")
  @Nullable Protocol protocol;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text, tsv or json (default: text).")
  OutputFormat format = OutputFormat.TEXT;

  @Mixin
  AccountOptions account = new AccountOptions();

  @Mixin
  CommonOptions common = new CommonOptions();

  SyncCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    try (Mailbox mailbox = MailboxAccess.open(satchel.io, account, address, protocol)) {
      Folder f = MailboxAccess.folder(mailbox, folder);
      SyncState previous = load(f);
      Changes changes = mailbox.changesSince(f, previous);
      print(satchel.io.out, changes);
      save(changes.state());
    }
  }

  private SyncState load(Folder f) {
    if (!Files.exists(state)) {
      return SyncState.initial(f.fullName());
    }
    SyncState loaded;
    try {
      loaded = SyncState.parse(Files.readString(state, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "cannot read the state file " + state + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "the state file " + state + " is damaged (" + e.getMessage()
          + "); delete it to start over (every message is then reported as new)", e);
    }
    if (!loaded.folder().equals(f.fullName())) {
      throw new CliException(ExitCodes.USAGE, "the state file " + state + " belongs to folder \"" + loaded.folder()
          + "\", not \"" + f.fullName() + "\": use one state file per folder");
    }
    return loaded;
  }

  private void save(SyncState next) {
    Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
    try {
      Path parent = state.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(tmp, next.serialize(), StandardCharsets.UTF_8);
      Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "cannot save the state file " + state + ": " + e.getMessage(), e);
    }
  }

  private void print(PrintWriter out, Changes c) {
    switch (format) {
      case TEXT -> {
        if (c.fullResyncNeeded()) {
          out.println("the folder was rebuilt on the server (UIDVALIDITY changed): every message is reported again");
        }
        c.added().forEach(m -> out.println("added    " + m.uid().asString() + "  " + m.envelope().subject()));
        c.changed().forEach(m -> out.println("changed  " + m.uid().asString() + "  " + flags(m)));
        c.removed().forEach(u -> out.println("removed  " + u.asString()));
        out.println(c.added().size() + " added, " + c.changed().size() + " changed, " + c.removed().size() + " removed");
      }
      case TSV -> {
        out.println("change\tuid\tflags\tsubject");
        c.added().forEach(m -> out.println("added\t" + m.uid().asString() + "\t" + flags(m) + "\t"
            + OutputFormat.cell(m.envelope().subject())));
        c.changed().forEach(m -> out.println("changed\t" + m.uid().asString() + "\t" + flags(m) + "\t"
            + OutputFormat.cell(m.envelope().subject())));
        c.removed().forEach(u -> out.println("removed\t" + u.asString() + "\t\t"));
      }
      case JSON -> {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("fullResync", c.fullResyncNeeded());
        j.put("added", summaries(c.added()));
        j.put("changed", summaries(c.changed()));
        j.put("removed", c.removed().stream().map(Uid::asString).toList());
        out.println(Json.write(j));
      }
    }
  }

  private static List<Object> summaries(List<MessageSummary> list) {
    List<Object> result = new ArrayList<>();
    for (MessageSummary m : list) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("uid", m.uid().asString());
      j.put("subject", m.envelope().subject());
      j.put("flags", m.flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted().toList());
      result.add(j);
    }
    return result;
  }

  private static String flags(MessageSummary m) {
    return m.flags().stream().map(f -> f.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(","));
  }
}
