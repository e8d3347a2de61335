package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

  @Test
  void splitsCodeEnhancedStatusAndText() {
    SmtpReply r = SmtpReply.parse("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown\n", -1);
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhancedStatus()).contains("5.1.1");
    assertThat(r.text()).isEqualTo("<nobody@example.test>: Recipient address rejected: User unknown");
  }

  @Test
  void joinsMultiLineReplies() {
    SmtpReply r = SmtpReply.parse("452-4.5.3 Too many recipients\n452 4.5.3 try again later\n", -1);
    assertThat(r.code()).isEqualTo(452);
    assertThat(r.enhancedStatus()).contains("4.5.3");
    assertThat(r.text()).isEqualTo("Too many recipients try again later");
  }

  @Test
  void replyWithoutEnhancedStatusOrCode() {
    assertThat(SmtpReply.parse("550 mailbox unavailable", 0)).isEqualTo(new SmtpReply(550, Optional.empty(), "mailbox unavailable"));
    assertThat(SmtpReply.parse("[EOF]", -1).code()).isEqualTo(-1);
  }

  @Test
  void anyWellFormedReplyParsesBackToItsParts() {
    qt().forAll(integers().between(200, 599), integers().between(0, 999), strings().basicLatinAlphabet().ofLengthBetween(0, 40))
        .checkAssert((code, detail, text) -> {
          String cls = String.valueOf(code / 100);
          String enhanced = (cls.equals("3") ? "2" : cls) + ".1." + detail;
          SmtpReply r = SmtpReply.parse(code + " " + enhanced + " " + text, -1);
          assertThat(r.code()).isEqualTo(code);
          assertThat(r.enhancedStatus()).contains(enhanced);
          assertThat(r.text()).isEqualTo(text.strip());
        });
  }
}
