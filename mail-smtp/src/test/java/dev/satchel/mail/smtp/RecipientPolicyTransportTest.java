package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.RecipientPolicy;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import dev.satchel.mail.testkit.TestUser;
import java.util.Optional;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Satchel's {@link Transport} against the test server's {@link RecipientPolicy}: refused recipients
 * come back in {@link SendResult#rejected()} with the policy's codes, the others get the message.
 */
@ExtendWith(TestMailServerExtension.class)
class RecipientPolicyTransportTest {

  @ParameterizedTest(name = "SMTP with Security.{0}")
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void refusedRecipientsAreReportedAndTheOthersReceiveTheMessage(Security security, TestMailServer server) {
    TestUser alice = TestServers.alice(server);
    server.recipientPolicy(RecipientPolicy.builder()
        .reject("blocked@example.test")
        .greylist("*@slow.example.test")
        .mailboxFull("full@example.test")
        .build());

    SendResult result;
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, security))) {
      result = smtp.send(OutgoingMessage.builder().from(TestServers.ALICE)
          .to("ok@example.test", "blocked@example.test", "bob@slow.example.test", "full@example.test")
          .cc("carol@example.test").subject("policy").text("Hello").build());
    }

    assertThat(result.accepted()).extracting(a -> a.address()).containsExactly("ok@example.test", "carol@example.test");
    assertThat(result.rejected()).extracting(r -> r.address().address(), RejectedRecipient::replyCode,
            RejectedRecipient::enhancedStatus, RejectedRecipient::isPermanent)
        .containsExactly(
            Tuple.tuple("blocked@example.test", 550, Optional.of("5.1.1"), true),
            Tuple.tuple("bob@slow.example.test", 451, Optional.of("4.7.1"), false),
            Tuple.tuple("full@example.test", 452, Optional.of("4.2.2"), false));
    assertThat(result.rejected().get(0).text()).contains("no such user");
    assertThat(server.received("ok@example.test")).extracting(Message::subject).containsExactly("policy");
    assertThat(server.received("carol@example.test")).extracting(Message::subject).containsExactly("policy");
    assertThat(server.received("blocked@example.test")).isEmpty();
    assertThat(server.received("full@example.test")).isEmpty();
  }

  @Test
  void everyRecipientRefusedIsACommandFailureAndNothingIsDelivered(TestMailServer server) {
    TestUser alice = TestServers.alice(server);
    server.recipientPolicy(RecipientPolicy.builder().greylist("*@example.test").build());
    try (Transport smtp = Transport.connect(TestServers.settings(server, alice, Security.NONE))) {
      assertThatThrownBy(() -> smtp.send(OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test")
          .subject("policy").text("Hello").build()))
          .isInstanceOfSatisfying(MailCommandException.class, e -> assertThat(e.rejectedRecipients())
              .extracting(RejectedRecipient::replyCode, RejectedRecipient::enhancedStatus)
              .containsExactly(Tuple.tuple(451, Optional.of("4.7.1"))));
    }
    assertThat(server.received()).isEmpty();
  }
}
