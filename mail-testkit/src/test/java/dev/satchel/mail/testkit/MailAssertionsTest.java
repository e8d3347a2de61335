package dev.satchel.mail.testkit;

import static dev.satchel.mail.testkit.MailAssertions.assertThat;
import static dev.satchel.mail.testkit.MailAssertions.assertThatReceived;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Header;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessagePart;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Uid;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MailAssertionsTest {
  private static final byte[] PDF = {1, 2, 3, 4};

  private static Message message(String subject, String from, String to, String text, String html) {
    Envelope envelope = new Envelope(subject, List.of(EmailAddress.of(from)), Optional.empty(), List.of(), List.of(EmailAddress.of(to)),
        List.of(EmailAddress.of("cc@example.com")), List.of(), Optional.empty(), Optional.of("<1@x>"), Optional.empty());
    MessageSummary summary = new MessageSummary(new Uid.Imap(1, 1), Set.of(), Set.of(), 100, Optional.empty(), envelope);
    List<MessagePart> parts = List.of(
        new MessagePart("invoice.pdf", "application/pdf", null, false, PDF.length, () -> new ByteArrayInputStream(PDF)),
        new MessagePart("logo.png", "image/png", "logo", true, -1, () -> new ByteArrayInputStream(new byte[0])));
    return new Message(summary, List.of(new Header("Subject", subject), new Header("X-Campaign", "spring"), new Header("X-Campaign", "fall")),
        Optional.ofNullable(text), Optional.ofNullable(html), parts, List.of());
  }

  private static final Message INVOICE =
      message("Invoice 42", "billing@example.com", "alice@example.com", "Total: 12.00\r\nThanks", "<p>Total</p>");

  @Test
  void passingMessageAssertionsChain() {
    assertThat(INVOICE)
        .hasSubject("Invoice 42")
        .hasSubjectContaining("42")
        .isFrom("BILLING@example.com")
        .isTo("alice@example.com")
        .hasRecipient("cc@example.com")
        .hasTextContaining("Total: 12.00", "Thanks")
        .hasHtmlContaining("<p>Total</p>")
        .hasAttachment("invoice.pdf", PDF)
        .hasAttachmentCount(1)
        .hasHeader("x-campaign")
        .hasHeader("X-Campaign", "fall")
        .hasNoProblems();
  }

  @Test
  void failuresShowWhatWasThereInstead() {
    assertThatThrownBy(() -> assertThat(INVOICE).hasSubject("Invoice 43"))
        .hasMessage("Expected subject \"Invoice 43\" but was \"Invoice 42\"");
    assertThatThrownBy(() -> assertThat(INVOICE).hasTextContaining("Total: 13.00"))
        .hasMessageContaining("Expected the text body to contain \"Total: 13.00\" but it was:").hasMessageContaining("Total: 12.00");
    assertThatThrownBy(() -> assertThat(INVOICE).isFrom("sales@example.com"))
        .hasMessage("Expected a message from <sales@example.com> but it was from [<billing@example.com>]");
    assertThatThrownBy(() -> assertThat(INVOICE).hasAttachment("receipt.pdf"))
        .hasMessage("Expected an attachment named \"receipt.pdf\" but the attachments were "
            + "[\"invoice.pdf\" application/pdf 4 bytes, \"logo.png\" image/png inline]");
    assertThatThrownBy(() -> assertThat(INVOICE).hasAttachment("invoice.pdf", new byte[] {1, 2, 9}))
        .hasMessage("Expected attachment \"invoice.pdf\" to hold 3 bytes but it held 4 bytes, first difference at offset 2");
    assertThatThrownBy(() -> assertThat(INVOICE).hasHeader("X-Campaign", "winter"))
        .hasMessage("Expected header \"X-Campaign: winter\" but its values were [spring, fall]");
    assertThatThrownBy(() -> assertThat(INVOICE).hasHeader("List-Id"))
        .hasMessage("Expected a header \"List-Id\" but the headers were:%nSubject, X-Campaign".formatted());
    assertThatThrownBy(() -> assertThat(INVOICE).hasNoHtml()).hasMessageContaining("<p>Total</p>");
  }

  @Test
  void missingBodiesAreNamed() {
    Message htmlOnly = message("s", "a@example.com", "b@example.com", null, "<b>hi</b>");
    assertThatThrownBy(() -> assertThat(htmlOnly).hasTextContaining("hi"))
        .hasMessage("Expected the text body to contain \"hi\" but the message has no text body (its HTML body is: <b>hi</b>)");
    assertThat(htmlOnly).hasNoText();
  }

  @Test
  void longBodiesAreShortenedInFailures() {
    Message longText = message("s", "a@example.com", "b@example.com", "x".repeat(5_000), null);
    assertThatThrownBy(() -> assertThat(longText).hasTextContaining("y")).hasMessageContaining("... (4600 more characters)");
  }

  @Test
  void receivedAssertionsListTheMessagesOnFailure() {
    List<Message> received = List.of(INVOICE, message("Welcome", "hello@example.com", "bob@example.com", "Hi", null));
    assertThatReceived(received).hasReceived(2).hasReceivedAtLeast(1).hasReceivedMessageTo("bob@example.com")
        .hasReceivedMessageTo("cc@example.com").hasReceivedMessageFrom("hello@example.com").hasReceivedMessageWithSubject("Welcome");
    assertThatReceived(received).message(1).hasSubject("Welcome");
    assertThatThrownBy(() -> assertThatReceived(received).hasReceived(3))
        .hasMessage("Expected 3 received messages but there were 2:\n"
            + "  #0 from [<billing@example.com>] to [<alice@example.com>] subject \"Invoice 42\"\n"
            + "  #1 from [<hello@example.com>] to [<bob@example.com>] subject \"Welcome\"");
    assertThatThrownBy(() -> assertThatReceived(received).hasReceivedMessageTo("carol@example.com"))
        .hasMessageStartingWith("Expected a message to <carol@example.com> but the received messages were:\n  #0");
    assertThatThrownBy(() -> assertThatReceived(List.of()).singleMessage())
        .hasMessage("Expected 1 received messages but there were 0");
    assertThatThrownBy(() -> assertThatReceived(received).hasReceivedNothing()).hasMessageStartingWith("Expected no received messages but there were 2");
    assertThatThrownBy(() -> assertThatReceived(received).within(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countAssertionsWaitForMailStillOnItsWay() {
    List<Message> inbox = new ArrayList<>();
    ReceivedMailAssert.Source arrivingLate = new ReceivedMailAssert.Source() {
      @Override
      public List<Message> received() {
        return List.copyOf(inbox);
      }

      @Override
      public boolean awaitReceived(int count, Duration timeout) {
        if (inbox.isEmpty()) {
          inbox.add(INVOICE); // the message arrives while the assertion waits
        }
        return inbox.size() >= count;
      }
    };
    assertThatReceived(arrivingLate).within(Duration.ofSeconds(1)).hasReceived(1).singleMessage().hasSubject("Invoice 42");
  }
}
