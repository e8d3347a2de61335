package dev.satchel.mail.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reading {@code text/plain; format=flowed} (RFC 3676): soft line breaks (a line ending in a space)
 * are joined back into paragraphs, space-stuffing is removed, quoted lines keep their {@code >}
 * depth (written back as {@code "> "} per level) and never join lines of another depth, and the
 * signature separator {@code "-- "} stays a line of its own. With {@code DelSp=yes} the space before
 * each soft break is removed as well.
 */
public final class FlowedText {
  private FlowedText() {}

  /** True when a {@code Content-Type} with these parameter values asks for flowed reading. */
  public static boolean isFlowed(@Nullable String format) {
    return format != null && format.strip().toLowerCase(Locale.ROOT).equals("flowed");
  }

  /** True when the {@code DelSp} parameter says yes. */
  public static boolean deletesSpace(@Nullable String delSp) {
    return delSp != null && delSp.strip().toLowerCase(Locale.ROOT).equals("yes");
  }

  /**
   * Unwraps flowed text whose line breaks are already {@code \n}.
   *
   * @param text the decoded body
   * @param delSp whether {@code DelSp=yes} was given
   */
  public static String unwrap(String text, boolean delSp) {
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    StringBuilder paragraph = null;
    int paragraphDepth = 0;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      int depth = 0;
      while (depth < line.length() && line.charAt(depth) == '>') {
        depth++;
      }
      String content = line.substring(depth);
      if (content.startsWith(" ")) {
        content = content.substring(1); // space-stuffing (or the space after the quote marks)
      }
      if (paragraph != null && depth != paragraphDepth) {
        // a soft break before a change of depth ends the paragraph (RFC 3676 section 4.5)
        emit(out, paragraphDepth, paragraph);
        out.append('\n');
        paragraph = null;
      }
      boolean signature = content.equals("-- ");
      boolean soft = !signature && content.endsWith(" ") && n < lines.length - 1;
      if (soft && delSp) {
        content = content.substring(0, content.length() - 1);
      }
      if (paragraph == null) {
        paragraph = new StringBuilder(content);
        paragraphDepth = depth;
      } else {
        paragraph.append(content);
      }
      if (!soft) {
        emit(out, depth, paragraph);
        if (n < lines.length - 1) {
          out.append('\n');
        }
        paragraph = null;
      }
    }
    if (paragraph != null) {
      emit(out, paragraphDepth, paragraph);
    }
    return out.toString();
  }

  private static void emit(StringBuilder out, int depth, CharSequence content) {
    if (depth > 0) {
      out.append(">".repeat(depth));
      if (content.length() > 0) {
        out.append(' ');
      }
    }
    out.append(content);
  }
}
