package dev.satchel.mail.bench;

import dev.satchel.mail.AfterHandling;
import dev.satchel.mail.Folder;
import dev.satchel.mail.InboxProcessor;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.SyncStateStore;
import dev.satchel.mail.Uid;
import jakarta.mail.FetchProfile;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.pop3.POP3Folder;

/**
 * Scenario 4: poll a POP3 maildrop of {@code count} messages for new ones (by UIDL against the ids
 * seen before) and download each new one, with none new and with {@code fresh} new.
 */
final class Pop3Bench {
  private static final String KEY = "bench";

  private final BenchTarget target;
  private final int count;
  private final int fresh;
  private Set<String> known = Set.of();
  private SyncState knownState = SyncState.initial(Folder.INBOX);
  private int expectNew;

  Pop3Bench(BenchTarget target, int count, int fresh) {
    this.target = target;
    this.count = count;
    this.fresh = fresh;
  }

  /** Makes sure the INBOX holds exactly the {@code count} corpus messages, and records their ids. */
  void seed() throws IOException {
    try (RawImap imap = target.rawImap()) {
      int have = imap.messages("INBOX");
      if (have != count) {
        System.out.printf("    seeding INBOX with %d messages (had %d)%n", count, have);
        if (have > count) {
          imap.deleteAll("INBOX");
          have = 0;
        }
        imap.appendAll("INBOX", i -> Corpus.small("pop", i), have, count);
      }
    }
    try (Mailbox pop = Mailbox.connect(target.satchel(Protocol.POP3))) {
      knownState = pop.changesSince(pop.inbox(), SyncState.initial(Folder.INBOX)).state();
    }
    known = new HashSet<>();
    for (String id : knownState.known().keySet()) {
      known.add(((Uid.Pop3) Uid.parse(id)).uidl());
    }
    if (knownState.known().size() != count) {
      throw new IllegalStateException("the maildrop holds " + knownState.known().size() + " messages, expected " + count);
    }
    expectNew = 0;
  }

  /** Adds the new messages (over IMAP, to the same INBOX). */
  void addNew() throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.appendAll("INBOX", i -> Corpus.small("new", i), 0, fresh);
    }
    expectNew = fresh;
  }

  /** Removes the new messages again, leaving the {@code count} seeded ones. */
  void removeNew() throws IOException {
    try (RawImap imap = target.rawImap()) {
      imap.deleteFrom("INBOX", count + 1);
    }
    expectNew = 0;
  }

  int expectedNew() {
    return expectNew;
  }

  /** Satchel: {@link InboxProcessor#runOnce()} from the saved state, downloading and parsing each new message. */
  long satchelProcessor() {
    SyncStateStore store = SyncStateStore.inMemory();
    store.save(KEY, knownState);
    AtomicInteger handled = new AtomicInteger();
    InboxProcessor processor = InboxProcessor.builder().settings(target.satchel(Protocol.POP3)).stateStore(store)
        .stateKey(KEY).afterHandling(AfterHandling.leave())
        .handler(m -> {
          handled.incrementAndGet();
          Blackhole.consume(m.text().map(String::length).orElse(0));
        })
        .build();
    InboxProcessor.Report report = processor.runOnce();
    if (report.handled() != handled.get()) {
      throw new IllegalStateException("the report says " + report.handled() + " handled, the handler saw " + handled.get());
    }
    return check(handled.get());
  }

  /** Naive Angus: {@code getMessages()}, {@code getUID(m)} per message, download of each new one. */
  long naiveAngus() throws MessagingException, IOException {
    return angus(false);
  }

  /** Angus with a FetchProfile of {@code UIDFolder.FetchProfileItem.UID} (one UIDL), then the same loop. */
  long angusFetchProfile() throws MessagingException, IOException {
    return angus(true);
  }

  private long angus(boolean prefetch) throws MessagingException, IOException {
    Session session = Session.getInstance(target.angus("pop3"));
    Store store = session.getStore("pop3");
    store.connect(target.user().login(), target.user().password());
    int news = 0;
    try {
      POP3Folder folder = (POP3Folder) store.getFolder("INBOX");
      folder.open(jakarta.mail.Folder.READ_ONLY);
      try {
        Message[] messages = folder.getMessages();
        if (prefetch) {
          FetchProfile fp = new FetchProfile();
          fp.add(UIDFolder.FetchProfileItem.UID);
          folder.fetch(messages, fp);
        }
        int seen = 0;
        for (Message m : messages) {
          if (!prefetch) {
            Budget.check(seen, messages.length);
          }
          seen++;
          String uid = folder.getUID(m);
          if (!known.contains(uid)) {
            try (InputStream in = m.getInputStream()) {
              Blackhole.consume(in.transferTo(OutputStream.nullOutputStream()));
            }
            news++;
          }
        }
      } finally {
        folder.close(false);
      }
    } finally {
      store.close();
    }
    return check(news);
  }

  /** The floor: UIDL on a plain socket, then RETR of each new message, nothing parsed. */
  long rawSocket() throws IOException {
    int news = 0;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(target.host(), target.pop3Port()), 10_000);
      s.setSoTimeout(120_000);
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
      OutputStream out = s.getOutputStream();
      expectOk(in);
      send(out, "USER " + target.user().login());
      expectOk(in);
      send(out, "PASS " + target.user().password());
      expectOk(in);
      send(out, "UIDL");
      expectOk(in);
      java.util.List<Integer> wanted = new java.util.ArrayList<>();
      String line;
      while (!(line = readLine(in)).equals(".")) {
        int sp = line.indexOf(' ');
        if (!known.contains(line.substring(sp + 1))) {
          wanted.add(Integer.parseInt(line.substring(0, sp)));
        }
      }
      for (int n : wanted) {
        send(out, "RETR " + n);
        expectOk(in);
        long bytes = 0;
        while (!(line = readLine(in)).equals(".")) {
          bytes += line.length();
        }
        Blackhole.consume(bytes);
        news++;
      }
      send(out, "QUIT");
      expectOk(in);
    }
    return check(news);
  }

  private static void send(OutputStream out, String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void expectOk(InputStream in) throws IOException {
    String line = readLine(in);
    if (!line.startsWith("+OK")) {
      throw new IOException("POP3 server said: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder(80);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed by the POP3 server");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private long check(int news) {
    if (news != expectNew) {
      throw new IllegalStateException("found " + news + " new messages, expected " + expectNew);
    }
    return news;
  }
}
