package dev.satchel.mail.cli;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Credentials;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code satchel send}: sends one message over the account's SMTP server. */
@Command(mixinStandardHelpOptions = true, name = "send", sortOptions = false,
    description = {"Send one message over SMTP.",
        "Sends from ADDRESS over that account's SMTP server.",
        "Exit code 1 when the server refused some recipients (they are listed on standard error)."})
final class SendCommand implements Callable<Integer>, HasCommonOptions {
  private final Satchel satchel;

  @Parameters(paramLabel = "ADDRESS", description = "The sending account, also the From address.")
  String address = "";

  @Option(names = "--to", paramLabel = "ADDRESS", split = ",", description = "Recipients (repeatable or comma-separated).")
  List<String> to = new ArrayList<>();

  @Option(names = "--cc", paramLabel = "ADDRESS", split = ",", description = "Copy recipients.")
  List<String> cc = new ArrayList<>();

  @Option(names = "--bcc", paramLabel = "ADDRESS", split = ",", description = "Blind copy recipients (not written in the message).")
  List<String> bcc = new ArrayList<>();

  @Option(names = "--subject", paramLabel = "TEXT", description = "The subject (default: empty).")
  String subject = "";

  @ArgGroup(exclusive = true)
  @Nullable Body body;

  static final class Body {
    @Option(names = "--text", paramLabel = "TEXT", description = "The plain-text body.")
    @Nullable String text;

    @Option(names = "--text-file", paramLabel = "FILE", description = "Read the plain-text body (UTF-8) from FILE; - for standard input.")
    @Nullable String textFile;
  }

  @Option(names = "--html-file", paramLabel = "FILE", description = "Read an HTML body (UTF-8) from FILE.")
  @Nullable Path htmlFile;

  @Option(names = "--attach", paramLabel = "FILE", description = "Attach FILE (repeatable).")
  List<Path> attachments = new ArrayList<>();

  @Option(names = "--no-login", description = "Send without logging in (only for servers that accept that, such as a local relay).")
  boolean noLogin;

  @Mixin
  AccountOptions account = new AccountOptions();

  @Mixin
  CommonOptions common = new CommonOptions();

  SendCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() {
    if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, "no recipient: give at least one --to, --cc or --bcc");
    }
    if (account.passwordStdin && body != null && "-".equals(body.textFile)) {
      throw new CliException(ExitCodes.USAGE, "--password-stdin and --text-file - both want standard input:"
          + " give the password in " + account.passwordEnv() + " instead");
    }
    EmailAddress from = Accounts.address(address);
    OutgoingMessage message = message(from);
    Accounts.Resolution resolution = Accounts.resolve(account, from);
    Accounts.Target target = Accounts.target(resolution, Protocol.SMTP, from);
    Credentials credentials = noLogin ? null : Accounts.credentials(satchel.io, account, target, from);
    SendResult result;
    try (Transport smtp = Transport.connect(Accounts.settings(account, target, credentials))) {
      result = smtp.send(message);
    }
    satchel.io.out.println("sent " + result.messageId() + " to " + result.accepted().size() + " recipient"
        + (result.accepted().size() == 1 ? "" : "s"));
    for (RejectedRecipient r : result.rejected()) {
      satchel.io.err.println("refused: " + r.address().address() + ": " + r.replyCode()
          + r.enhancedStatus().map(s -> " " + s).orElse("") + " " + Satchel.oneLine(r.text())
          + (r.isPermanent() ? "" : " (temporary: try again later)"));
    }
    return result.isComplete() ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }

  private OutgoingMessage message(EmailAddress from) {
    OutgoingMessage.Builder b = OutgoingMessage.builder().from(from).subject(subject);
    try {
      b.to(to.stream().map(Accounts::address).toList());
      cc.forEach(a -> b.cc(Accounts.address(a)));
      bcc.forEach(a -> b.bcc(Accounts.address(a)));
      Body given = body;
      String text = given == null ? null : given.text;
      if (given != null && given.textFile != null) {
        text = given.textFile.equals("-")
            ? new String(satchel.io.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(given.textFile), StandardCharsets.UTF_8);
      }
      if (text != null) {
        b.text(text);
      }
      if (htmlFile != null) {
        b.html(Files.readString(htmlFile, StandardCharsets.UTF_8));
      }
      if (text == null && htmlFile == null) {
        b.text("");
      }
      for (Path file : attachments) {
        if (!Files.isReadable(file)) {
          throw new CliException(ExitCodes.LOCAL_IO, "cannot read the attachment " + file);
        }
        b.attach(Attachment.of(file));
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.LOCAL_IO, "cannot read the message body: " + e.getMessage(), e);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(ExitCodes.USAGE, String.valueOf(e.getMessage()), e);
    }
  }
}
