package dev.satchel.mail.testkit;

import static dev.satchel.mail.testkit.MailAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server assertions against a real {@link TestMailServer}. */
@ExtendWith(TestMailServerExtension.class)
class ServerAssertionsTest {

  @Test
  void assertsOnDeliveredMail(TestMailServer server) {
    TestUser alice = server.createUser("alice@example.com", "secret");
    byte[] pdf = {37, 80, 68, 70, 0, 1, 2};
    server.deliver(alice, OutgoingMessage.builder().from("shop@example.com").to("alice@example.com").subject("Your order")
        .text("Order 42 ships today.").html("<p>Order <b>42</b></p>").header("X-Order", "42")
        .attach(Attachment.of("order-42.pdf", "application/pdf", pdf)).build());
    Seeder.messages(2).from("news@example.com").to("alice@example.com").subjectPrefix("News").build()
        .forEach(raw -> server.deliver(alice, raw));

    assertThat(server).hasReceived(3).hasReceivedMessageFrom("shop@example.com").hasReceivedMessageTo("alice@example.com")
        .hasReceivedMessageWithSubject("News 1");
    assertThat(server).message(0).hasSubject("Your order").isFrom("shop@example.com").isTo("alice@example.com")
        .hasTextContaining("Order 42 ships").hasHtmlContaining("<b>42</b>").hasAttachment("order-42.pdf", pdf)
        .hasHeader("X-Order", "42");
    assertThatThrownBy(() -> assertThat(server).within(Duration.ZERO).hasReceived(4))
        .hasMessageContaining("Expected 4 received messages but there were 3:")
        .hasMessageContaining("#2 from [<news@example.com>] to [<alice@example.com>] subject \"News 1\"");
  }

  @Test
  void assertThatServerAssertsOnTheServerItself(TestMailServer server) {
    assertThat(server).isSameAs(server).isEqualTo(server).isNotNull().hasReceivedNothing();
    try (TestMailServer other = TestMailServer.start()) {
      assertThat(server).isNotSameAs(other).isNotEqualTo(other);
      assertThatThrownBy(() -> assertThat(server).isSameAs(other)).isInstanceOf(AssertionError.class)
          .hasMessageContaining(server.toString());
    }
    assertThat(server).extracting(TestMailServer::isClosed).isEqualTo(false);
    assertThatThrownBy(() -> assertThat((TestMailServer) null).hasReceived(0)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be null");
  }

  @Test
  void receivedByAssertsOnOneAccount(TestMailServer server) {
    TestUser alice = server.createUser("alice@example.com", "secret");
    TestUser bob = server.createUser("bob@example.com", "secret");
    server.deliver(alice, OutgoingMessage.builder().from("shop@example.com").to("alice@example.com").subject("For Alice")
        .text("Hi").build());
    server.deliver(bob, OutgoingMessage.builder().from("shop@example.com").to("bob@example.com").subject("For Bob")
        .text("Hi").build());

    assertThat(server).hasReceived(2);
    assertThat(server).receivedBy("bob@example.com").singleMessage().hasSubject("For Bob");
    assertThat(server).within(Duration.ZERO).receivedBy("carol@example.com").hasReceivedNothing();
    assertThatThrownBy(() -> assertThat(server).within(Duration.ZERO).receivedBy("alice@example.com").hasReceived(2))
        .hasMessageContaining("Expected 2 received messages but there were 1:")
        .hasMessageContaining("subject \"For Alice\"");
    assertThatThrownBy(() -> assertThat(server).receivedBy("not an address")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void waitsForMailSentOverSmtp(TestMailServer server) throws Exception {
    Properties p = new Properties();
    p.setProperty("mail.smtp.host", "127.0.0.1");
    p.setProperty("mail.smtp.port", Integer.toString(server.port(Protocol.SMTP, Security.NONE)));
    p.setProperty("mail.smtp.connectiontimeout", "5000");
    p.setProperty("mail.smtp.timeout", "5000");
    Session session = Session.getInstance(p);
    MimeMessage m = new MimeMessage(session);
    m.setFrom("app@example.com");
    m.setRecipients(jakarta.mail.Message.RecipientType.TO, "bob@example.com");
    m.setSubject("Welcome, Bob");
    m.setText("Hello Bob");
    Transport.send(m);
    assertThat(server).within(Duration.ofSeconds(10)).singleMessage().hasSubject("Welcome, Bob").isTo("bob@example.com")
        .hasTextContaining("Hello Bob");
  }
}
