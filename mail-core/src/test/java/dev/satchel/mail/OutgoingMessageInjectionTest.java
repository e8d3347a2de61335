package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every way of smuggling CR, LF, CRLF or NUL into a header is refused by the builders. */
class OutgoingMessageInjectionTest {
  private static final byte[] BYTES = {1};

  private static OutgoingMessage.Builder valid() {
    return OutgoingMessage.builder().from("a@example.com").to("b@example.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void subjectIsRejected(String bad) {
    assertThatThrownBy(() -> valid().subject("Hi" + bad + "Bcc: victim@example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("subject must not contain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void displayNamesAreRejected(String bad) {
    assertThatThrownBy(() -> EmailAddress.of("Eve" + bad + "Bcc: x@example.com", "eve@example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("display name");
    assertThatThrownBy(() -> EmailAddress.parse("\"Eve" + bad + "\" <eve@example.com>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid email address");
    assertThatThrownBy(() -> EmailAddress.of("eve@example.com").withDisplayName("x" + bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("display name");
    assertThatThrownBy(() -> valid().to("Eve" + bad + " <eve@example.com>")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void addressPartsAreRejected(String bad) {
    assertThatThrownBy(() -> new EmailAddress("eve" + bad, "example.com", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local part");
    assertThatThrownBy(() -> new EmailAddress("eve", "example.com" + bad + "x", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void customHeaderNamesAndValuesAreRejected(String bad) {
    assertThatThrownBy(() -> valid().header("X-Evil" + bad + "Bcc", "v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header name must not contain");
    assertThatThrownBy(() -> valid().header("X-Note", "v" + bad + "Bcc: x@example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header X-Note must not contain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void attachmentFilenamesAndContentIdsAreRejected(String bad) {
    assertThatThrownBy(() -> Attachment.of("a" + bad + ".pdf", "application/pdf", BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("attachment filename must not contain");
    assertThatThrownBy(() -> Attachment.of("a" + bad + ".pdf", "application/pdf", () -> new java.io.ByteArrayInputStream(BYTES)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("attachment filename must not contain");
    assertThatThrownBy(() -> Attachment.inline("logo" + bad, "logo.png", "image/png", BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("content id must not contain");
    assertThatThrownBy(() -> Attachment.inline("logo", "logo" + bad + ".png", "image/png", BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("attachment filename must not contain");
    assertThatThrownBy(() -> Attachment.of("a.pdf", "application/pdf" + bad, BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("media type must not contain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "\0"})
  void messageIdIsRejected(String bad) {
    assertThatThrownBy(() -> valid().messageId("<a@b" + bad + ">"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("message id must not contain");
  }

  @Test
  void messageWithoutRecipientsIsRejected() {
    assertThatThrownBy(() -> OutgoingMessage.builder().from("a@example.com").subject("s").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("a message needs at least one recipient in to, cc or bcc");
  }

  @Test
  void invalidAddressIsRejectedWithTheReason() {
    assertThatThrownBy(() -> valid().to("bob@@example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid email address \"bob@@example.com\"")
        .hasMessageContaining("more than one '@'");
    assertThatThrownBy(() -> valid().cc("no-at-sign"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid email address \"no-at-sign\"")
        .hasMessageContaining("'@'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bcc", "from", "Subject", "MESSAGE-ID", "Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Date"})
  void reservedHeadersAreRejected(String name) {
    assertThatThrownBy(() -> valid().header(name, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header " + name + " is written by Satchel itself; use the builder's own method for it");
  }
}
