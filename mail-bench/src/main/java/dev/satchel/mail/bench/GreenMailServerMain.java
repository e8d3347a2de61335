package dev.satchel.mail.bench;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.TestMailServer;
import java.io.IOException;
import java.io.InputStream;

/**
 * Runs the testkit's {@link TestMailServer} in a JVM of its own, so that the server's heap and CPU
 * are not counted as the client's. Prints one line {@code READY imap=<port> pop3=<port> smtp=<port>}
 * once the server runs, and stops when its standard input ends.
 *
 * <p>Arguments: the benchmark account and the sink account, each {@code address:password}.
 */
public final class GreenMailServerMain {
  private GreenMailServerMain() {}

  /**
   * Starts the server and waits for the end of standard input.
   *
   * @param args the two accounts to create
   * @throws IOException when standard input fails
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: GreenMailServerMain user:password sink:password");
    }
    try (TestMailServer server = TestMailServer.start()) {
      for (String a : args) {
        BenchTarget.Account account = BenchTarget.Account.parse(a);
        server.createUser(account.login(), account.password());
      }
      System.out.println("READY imap=" + server.port(Protocol.IMAP, Security.NONE)
          + " pop3=" + server.port(Protocol.POP3, Security.NONE)
          + " smtp=" + server.port(Protocol.SMTP, Security.NONE));
      System.out.flush();
      InputStream in = System.in;
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // wait for the parent to close our standard input
      }
    }
  }
}
