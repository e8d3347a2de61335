package dev.satchel.mail.bench;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * Scenario 1: list the summaries (UID, flags, size, internal date, envelope) of every message in a
 * folder of {@code count} messages, each variant on a fresh connection (connect and login included).
 */
final class ListingBench {
  static final String FOLDER = "bench-list";

  private final BenchTarget target;
  private final int count;

  ListingBench(BenchTarget target, int count) {
    this.target = target;
    this.count = count;
  }

  /** Makes sure the folder holds exactly {@code count} corpus messages. */
  void seed() throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.ensureFolder(FOLDER);
      int have = imap.messages(FOLDER);
      if (have == count) {
        return;
      }
      System.out.printf("    seeding %s with %d messages (had %d)%n", FOLDER, count, have);
      if (have > 0) {
        imap.deleteAll(FOLDER);
      }
      imap.appendAll(FOLDER, i -> Corpus.small("list", i), 0, count);
    }
  }

  /** Satchel: {@code Mailbox.list(folder)} with the default options. */
  long satchel() {
    return satchel(target.satchel(Protocol.IMAP), MailboxOptions.defaults());
  }

  /** Satchel: {@code Mailbox.list(folder)} with these settings (a proxy's, say) and options. */
  long satchel(MailSettings settings, MailboxOptions options) {
    try (Mailbox mailbox = Mailbox.connect(settings, options)) {
      Folder folder = mailbox.folder(FOLDER).orElseThrow();
      List<MessageSummary> all = mailbox.list(folder);
      long check = 0;
      for (MessageSummary m : all) {
        check += m.size() + m.envelope().subject().length() + m.envelope().from().size() + m.flags().size();
      }
      return verify(all.size(), check);
    }
  }

  /** Satchel's own IMAP engine (preview; {@code Mailbox.list} still runs on Angus): pipelined batches. */
  long satchelEngine() {
    List<MessageSummary> all = dev.satchel.mail.imap.EnginePreview.list(target.satchel(Protocol.IMAP), FOLDER,
        java.time.Duration.ofMinutes(5));
    long check = 0;
    for (MessageSummary m : all) {
      check += m.size() + m.envelope().subject().length() + m.envelope().from().size() + m.flags().size();
    }
    return verify(all.size(), check);
  }

  /** Naive Jakarta Mail: {@code getMessages()} and a loop calling getters (a round trip or more per message). */
  long naiveAngus() throws MessagingException {
    return angus(false);
  }

  /** Angus with a FetchProfile (ENVELOPE, FLAGS, UID, SIZE, INTERNALDATE) before the same loop. */
  long angusFetchProfile() throws MessagingException {
    return angus(true);
  }

  private long angus(boolean prefetch) throws MessagingException {
    Session session = Session.getInstance(target.angus("imap"));
    Store store = session.getStore("imap");
    store.connect(target.user().login(), target.user().password());
    try {
      IMAPFolder folder = (IMAPFolder) store.getFolder(FOLDER);
      folder.open(jakarta.mail.Folder.READ_ONLY);
      try {
        Message[] messages = folder.getMessages();
        if (prefetch) {
          FetchProfile fp = new FetchProfile();
          fp.add(FetchProfile.Item.ENVELOPE);
          fp.add(FetchProfile.Item.FLAGS);
          fp.add(FetchProfile.Item.SIZE);
          fp.add(UIDFolder.FetchProfileItem.UID);
          fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
          folder.fetch(messages, fp);
        }
        long check = 0;
        List<Long> uids = new ArrayList<>(messages.length);
        for (Message m : messages) {
          if (!prefetch) {
            Budget.check(uids.size(), messages.length);
          }
          uids.add(folder.getUID(m));
          m.getFlags();
          m.getReceivedDate();
          m.getSentDate();
          String subject = m.getSubject();
          Address[] from = m.getFrom();
          m.getRecipients(Message.RecipientType.TO);
          m.getRecipients(Message.RecipientType.CC);
          ((jakarta.mail.internet.MimeMessage) m).getMessageID();
          check += m.getSize() + (subject == null ? 0 : subject.length()) + (from == null ? 0 : from.length)
              + m.getFlags().getSystemFlags().length;
        }
        return verify(uids.size(), check);
      } finally {
        folder.close(false);
      }
    } finally {
      store.close();
    }
  }

  /** The floor: one {@code UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)} on a plain socket, nothing parsed. */
  long rawSocket() throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.ok("EXAMINE " + RawImap.quote(FOLDER));
      int n = imap.countFetches("UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE)");
      return verify(n, 0);
    }
  }

  private long verify(int listed, long check) {
    if (listed != count) {
      throw new IllegalStateException("listed " + listed + " messages, expected " + count);
    }
    Blackhole.consume(check);
    return listed;
  }
}
