package dev.satchel.mail.cli;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import org.jspecify.annotations.Nullable;

/** Opens the account's mailbox for {@code list}, {@code fetch} and {@code sync}. */
final class MailboxAccess {
  private MailboxAccess() {}

  /**
   * Connects over {@code protocol}, or when null over the first incoming {@code --server}, else IMAP
   * when the account has it, else POP3.
   */
  static Mailbox open(Io io, AccountOptions account, String address, @Nullable Protocol protocol) {
    EmailAddress email = Accounts.address(address);
    Accounts.Resolution resolution = Accounts.resolve(account, email);
    Protocol chosen = protocol;
    if (chosen == null) {
      chosen = resolution.targets().stream().map(t -> t.server().protocol()).filter(Protocol::isIncoming).findFirst()
          .orElse(Protocol.IMAP);
    }
    if (chosen == Protocol.SMTP) {
      throw new CliException(ExitCodes.USAGE, "SMTP only sends: use imap or pop3 to read mail");
    }
    Accounts.Target target = Accounts.target(resolution, chosen, email);
    return Mailbox.connect(Accounts.settings(account, target, Accounts.credentials(io, account, target, email)));
  }

  /** The folder with this name, or a clear error. */
  static Folder folder(Mailbox mailbox, String name) {
    if (name.equalsIgnoreCase(Folder.INBOX)) {
      return mailbox.inbox();
    }
    return mailbox.folder(name).orElseThrow(() -> new CliException(ExitCodes.NOT_FOUND, "no folder \"" + name + "\""));
  }
}
