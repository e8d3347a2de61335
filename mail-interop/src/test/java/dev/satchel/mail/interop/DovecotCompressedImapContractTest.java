package dev.satchel.mail.interop;

import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.contract.MailboxContract;
import dev.satchel.mail.testkit.contract.MailboxFixture;

/**
 * The testkit's {@link MailboxContract} against Dovecot's IMAP over implicit TLS with COMPRESS=DEFLATE
 * forced on (Dovecot's imap_zlib plugin offers it; the default, {@code AUTO}, skips compression on
 * loopback), so that every Mailbox operation also runs over a compressed stream inside TLS.
 */
@Interop
class DovecotCompressedImapContractTest extends MailboxContract {
  @Override
  protected MailboxFixture newAccount() {
    Harness harness = Harness.get();
    harness.reset("carol");
    MailboxOptions compressed = MailboxOptions.builder().compression(MailboxOptions.Compression.ON).build();
    return MailboxFixture.of(() -> Mailbox.connect(harness.settings("carol", Protocol.IMAP, Security.TLS), compressed),
        raw -> Lmtp.deliver(harness.lmtpPort(), "carol@example.test", raw));
  }
}
