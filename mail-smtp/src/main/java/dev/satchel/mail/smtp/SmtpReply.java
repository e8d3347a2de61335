package dev.satchel.mail.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply split into its parts: reply code, enhanced status code (RFC 3463) and text, from
 * the raw reply text (possibly several lines, each starting with the code).
 *
 * @param code the reply code, or -1 when the response had none (connection closed)
 * @param enhancedStatus for example {@code "5.1.1"}, when the server gave one
 * @param text the reply text without codes, lines joined with a space
 */
record SmtpReply(int code, Optional<String> enhancedStatus, String text) {
  private static final Pattern LINE = Pattern.compile("^(\\d{3})[ -]?(.*)$");
  private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})\\s*(.*)$");

  /** Parses a raw response; {@code fallbackCode} is used when the text carries no code. */
  static SmtpReply parse(String raw, int fallbackCode) {
    int code = fallbackCode;
    String enhanced = null;
    List<String> parts = new ArrayList<>();
    for (String line : raw.strip().split("\\r?\\n")) {
      String rest = line.strip();
      Matcher m = LINE.matcher(rest);
      if (m.matches()) {
        code = Integer.parseInt(m.group(1));
        rest = m.group(2).strip();
      }
      Matcher e = ENHANCED.matcher(rest);
      if (e.matches()) {
        if (enhanced == null) {
          enhanced = e.group(1);
        }
        rest = e.group(2);
      }
      if (!rest.isEmpty()) {
        parts.add(rest);
      }
    }
    return new SmtpReply(code, Optional.ofNullable(enhanced), String.join(" ", parts));
  }

  /** The reply as a server would show it, for messages: {@code 550 5.1.1 text}. */
  String display() {
    return (code > 0 ? code + " " : "") + enhancedStatus.map(s -> s + " ").orElse("") + text;
  }
}
