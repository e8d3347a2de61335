package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.MailboxOptions.Compression;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which servers get COMPRESS=DEFLATE under each {@link Compression} choice. */
class ImapCompressionOptionTest {
  @Test
  void autoSkipsLoopbackOnly() {
    for (String loopback : List.of("localhost", "LOCALHOST", "imap.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]")) {
      assertThat(ImapMailbox.compress(Compression.AUTO, loopback)).as(loopback).isFalse();
    }
    for (String remote : List.of("imap.gmail.com", "outlook.office365.com", "10.0.0.5", "192.168.1.20", "2001:db8::1",
        "localhost.example.com")) {
      assertThat(ImapMailbox.compress(Compression.AUTO, remote)).as(remote).isTrue();
    }
  }

  @Test
  void onAndOffIgnoreTheHost() {
    assertThat(ImapMailbox.compress(Compression.ON, "127.0.0.1")).isTrue();
    assertThat(ImapMailbox.compress(Compression.OFF, "imap.gmail.com")).isFalse();
  }

  @Test
  void theDefaultIsAutoAndNullIsRefused() {
    assertThat(MailboxOptions.defaults().compression()).isEqualTo(Compression.AUTO);
    assertThatThrownBy(() -> MailboxOptions.builder().compression(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("compression");
  }
}
