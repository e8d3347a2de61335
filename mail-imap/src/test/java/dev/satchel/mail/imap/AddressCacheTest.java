package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.satchel.mail.EmailAddress;
import jakarta.mail.internet.InternetAddress;
import java.io.UnsupportedEncodingException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

class AddressCacheTest {
  private static InternetAddress angus(String personal, String addr) throws UnsupportedEncodingException {
    InternetAddress a = new InternetAddress();
    a.setAddress(addr);
    if (!personal.isEmpty()) {
      a.setPersonal(personal, "UTF-8");
    }
    return a;
  }

  /** What the listing did before the cache: EmailAddress.of, or null when it throws. */
  private static Optional<EmailAddress> reference(String personal, String addr) {
    try {
      return Optional.of(personal.isBlank() ? EmailAddress.of(addr) : EmailAddress.of(personal, addr));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Test
  void givesWhatEmailAddressOfGivesForAnyAddressText() {
    Gen<String> part = SourceDSL.strings().betweenCodePoints(32, 0x7f).ofLengthBetween(0, 12)
        .mix(SourceDSL.integers().between(0, 9).map(i -> new String[] {"alice", "a.b", ".a", "a.", "a..b", "x+y",
            "\"q r\"", "bob_x-1", "o'neil", "\u00fcser"}[i]));
    Gen<String> host = SourceDSL.integers().between(0, 9).map(i -> new String[] {"example.com", "EXAMPLE.org",
        "-bad.com", "a..b", "xn--bcher-kva.example", "b\u00fccher.de", "[192.0.2.1]", "", "host_1.com", "ex ample"}[i]);
    Gen<String> name = SourceDSL.integers().between(0, 4).map(i -> new String[] {"", " ", "Alice", "Smith, A",
        "bad\u0001name"}[i]);
    qt().forAll(part, host, name).checkAssert((local, domain, personal) -> {
      String addr = local + "@" + domain;
      try {
        AddressCache cache = new AddressCache();
        EmailAddress first = cache.convert(angus(personal, addr), addr);
        EmailAddress again = cache.convert(angus(personal, addr), addr);
        assertThat(Optional.ofNullable(first)).isEqualTo(reference(personal, addr));
        assertThat(again).isSameAs(first);
      } catch (UnsupportedEncodingException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void theFastPathTakesOnlyPlainDotAtoms() {
    assertThat(AddressCache.isPlainLocal("a.b+c_d-e", 9)).isTrue();
    assertThat(AddressCache.isPlainLocal(".a", 2)).isFalse();
    assertThat(AddressCache.isPlainLocal("a.", 2)).isFalse();
    assertThat(AddressCache.isPlainLocal("a..b", 4)).isFalse();
    assertThat(AddressCache.isPlainLocal("\"a\"", 3)).isFalse();
    assertThat(AddressCache.isPlainHost("x@example.com", 2)).isTrue();
    assertThat(AddressCache.isPlainHost("x@", 2)).isFalse();
    assertThat(AddressCache.isPlainHost("x@[1.2.3.4]", 2)).isFalse();
  }

  @Test
  void forgetsEverythingWhenFull() throws Exception {
    AddressCache cache = new AddressCache();
    EmailAddress first = cache.convert(angus("", "a0@example.com"), "a0@example.com");
    for (int i = 1; i <= AddressCache.MAX_ENTRIES; i++) {
      String addr = "a" + i + "@example.com";
      assertThat(cache.convert(angus("", addr), addr)).isEqualTo(EmailAddress.of(addr));
    }
    EmailAddress again = cache.convert(angus("", "a0@example.com"), "a0@example.com");
    assertThat(again).isEqualTo(first).isNotSameAs(first);
  }
}
