package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.satchel.mail.Message;
import dev.satchel.mail.Uid;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowedTextTest {

  @Test
  void softBreaksJoinAndHardBreaksStay() {
    String flowed = "This is a long \nparagraph that was \nwrapped.\nNext line.\n\nNew paragraph.\n";
    assertThat(FlowedText.unwrap(flowed, false))
        .isEqualTo("This is a long paragraph that was wrapped.\nNext line.\n\nNew paragraph.\n");
  }

  @Test
  void delSpRemovesTheSpaceBeforeEachSoftBreak() {
    assertThat(FlowedText.unwrap("Gro\u00df \nartig \nist das.", true)).isEqualTo("Gro\u00dfartigist das.");
    assertThat(FlowedText.unwrap("Gro\u00df \nartig", false)).isEqualTo("Gro\u00df artig");
  }

  @Test
  void spaceStuffingIsRemoved() {
    assertThat(FlowedText.unwrap("  indented\n From the start\n>not quoted? it is", false))
        .isEqualTo(" indented\nFrom the start\n> not quoted? it is");
  }

  @Test
  void quotedLinesKeepTheirDepthAndNeverJoinAnotherDepth() {
    String flowed = "> quoted and \n> wrapped\n>> deeper \n>> still\n> soft before a depth change \n>> deep\nmine";
    assertThat(FlowedText.unwrap(flowed, false)).isEqualTo(
        "> quoted and wrapped\n>> deeper still\n> soft before a depth change \n>> deep\nmine");
  }

  @Test
  void theSignatureSeparatorIsNeverJoined() {
    assertThat(FlowedText.unwrap("Bye\n-- \nAlice \nExample", false)).isEqualTo("Bye\n-- \nAlice Example");
  }

  @Test
  void parametersAreReadLeniently() {
    assertThat(FlowedText.isFlowed(" Flowed ")).isTrue();
    assertThat(FlowedText.isFlowed("fixed")).isFalse();
    assertThat(FlowedText.isFlowed(null)).isFalse();
    assertThat(FlowedText.deletesSpace("YES")).isTrue();
    assertThat(FlowedText.deletesSpace(null)).isFalse();
  }

  /** What a flowed writer does: wraps each paragraph at spaces to lines of at most {@code width}, space-stuffing where needed. */
  private static String wrap(List<String> paragraphs, int width) {
    StringBuilder out = new StringBuilder();
    for (String p : paragraphs) {
      List<String> lines = new ArrayList<>();
      String rest = p;
      while (rest.length() > width) {
        int cut = rest.lastIndexOf(' ', width);
        if (cut <= 0) {
          break;
        }
        lines.add(rest.substring(0, cut + 1)); // keeps the space: a soft break
        rest = rest.substring(cut + 1);
      }
      lines.add(rest);
      for (String l : lines) {
        boolean stuff = l.startsWith(" ") || l.startsWith(">") || l.startsWith("From ");
        out.append(stuff ? " " : "").append(l).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void unwrappingWhatAFlowedWriterWroteGivesTheParagraphsBack() {
    qt().withExamples(500).forAll(
            lists().of(strings().betweenCodePoints('a', 'f').ofLengthBetween(0, 12)).ofSizeBetween(0, 40),
            integers().between(1, 12), integers().between(8, 30))
        .checkAssert((words, perParagraph, width) -> {
          List<String> paragraphs = new ArrayList<>();
          for (int i = 0; i < words.size(); i += perParagraph) {
            // words without trailing spaces: a paragraph's last line must not end in a space
            paragraphs.add(String.join(" ", words.subList(i, Math.min(words.size(), i + perParagraph))).strip());
          }
          String expected = paragraphs.isEmpty() ? "" : String.join("\n", paragraphs) + "\n";
          assertThat(FlowedText.unwrap(wrap(paragraphs, width), false)).isEqualTo(expected);
        });
  }

  @Test
  void theMimeReaderUnwrapsFlowedTextPlain() {
    String raw = "From: a@example.test\r\nSubject: f\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=no\r\n\r\n"
        + "one \r\ntwo\r\n";
    Message m = MimeReader.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)), new Uid.Pop3("t"));
    assertThat(m.text()).contains("one two\n");
    assertThat(m.problems()).isEmpty();
  }
}
