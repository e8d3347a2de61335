package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FolderTest {

  @Test
  void namedFolderHasNoAttributes() {
    Folder f = Folder.named("Archive/2024");
    assertThat(f.fullName()).isEqualTo("Archive/2024");
    assertThat(f.name()).isEqualTo("2024");
    assertThat(f.attributes()).isEmpty();
    assertThat(f.specialUse()).isEmpty();
  }

  @Test
  void nameIsTheLastSegmentForTheSeparator() {
    assertThat(new Folder("INBOX.Sub.Leaf", '.', Set.of(), Optional.empty()).name()).isEqualTo("Leaf");
    assertThat(new Folder("a/b", '\0', Set.of(), Optional.empty()).name()).isEqualTo("a/b");
  }

  @Test
  void recognisesTheInboxCaseInsensitively() {
    assertThat(Folder.named("inbox").isInbox()).isTrue();
    assertThat(Folder.named("INBOX").isInbox()).isTrue();
    assertThat(Folder.named("INBOX/Sub").isInbox()).isFalse();
  }

  @Test
  void copiesAttributes() {
    Set<String> attrs = new HashSet<>(Set.of("\\HasNoChildren"));
    Folder f = new Folder("Sent", '/', attrs, Optional.of(SpecialUse.SENT));
    attrs.add("\\Marked");
    assertThat(f.attributes()).containsExactly("\\HasNoChildren");
    assertThat(f.specialUse()).contains(SpecialUse.SENT);
  }

  @Test
  void acceptsUnicodeNames() {
    assertThat(Folder.named("Entwürfe/日本").name()).isEqualTo("日本");
  }

  @Test
  void rejectsAnEmptyName() {
    assertThatIllegalArgumentException().isThrownBy(() -> Folder.named("")).withMessage("folder name must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"INBOX\r\nA001 DELETE Trash", "a\nb", "a\u0000"})
  void rejectsCrLfAndNulShowingThemEscaped(String name) {
    assertThatIllegalArgumentException().isThrownBy(() -> Folder.named(name))
        .withMessageStartingWith("folder name must not contain CR, LF or NUL, was \"")
        .withMessageNotContaining("\r").withMessageNotContaining("\n");
  }
}
