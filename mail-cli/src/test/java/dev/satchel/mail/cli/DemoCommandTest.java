package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void demoRunsEndToEndAndShowsTheDifferenceBetweenImapAndPop3() {
    Cli.Result r = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> new Cli().run("demo"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
    assertThat(r.err()).as(r.toString()).isEmpty();
    String out = r.out();
    assertThat(out)
        // 1. SMTP
        .containsPattern("bob -> alice \"Lunch on Friday\\?\": accepted for alice@satchel\\.test, Message-ID <[^>]+>")
        .contains("bob -> alice \"Minutes of Monday's meeting\": accepted")
        // 2. IMAP
        .containsPattern("2\\. Read over IMAP\\R  INBOX has 2 messages:")
        .containsPattern("imap:\\d+/\\d+  from bob@satchel\\.test  \"Lunch on Friday\\?\"  unread")
        .contains("fetched \"Lunch on Friday?\": \"Hi Alice,\"")
        .contains("still unread after fetching: yes")
        .containsPattern("IMAP can: .*folders.*move.*server_flags")
        // 3. POP3
        .containsPattern("3\\. Read over POP3\\R  INBOX has 2 messages:")
        .containsPattern("pop3:\\S+  from bob@satchel\\.test  \"Lunch on Friday\\?\"")
        .containsPattern("POP3 can: .*unique_ids")
        // 4. IMAP changes seen by a second connection
        .contains("A marks \"Lunch on Friday?\" read        -> B sees it read: yes")
        .contains("A moves it to Archive            -> B sees INBOX: 1, Archive: 1")
        .contains("A deletes it in Archive          -> B sees Archive: 0")
        // 5. POP3 refuses, with the reason
        .contains("mark read        -> refused: SERVER_FLAGS is not available over POP3 on this connection.")
        .contains("move to Archive  -> refused: MOVE is not available over POP3 on this connection.")
        .contains("list folders     -> refused: FOLDERS is not available over POP3 on this connection.")
        .containsPattern("the exception explains: .*POP3 only downloads mail.*IMAP")
        // 6. POP3 delete after download
        .contains("POP3 downloads \"Minutes of Monday's meeting\" and deletes it on the server")
        .contains("a new IMAP connection sees INBOX: 0 messages - gone for every client, not just for the POP3 one")
        // 7. quota, honestly
        .containsPattern("7\\. Quota over IMAP\\R  (quota root|The embedded server)")
        .contains("Demo finished; the embedded server is stopped.");
    assertThat(out).doesNotContain("unexpected for POP3");
  }
}
