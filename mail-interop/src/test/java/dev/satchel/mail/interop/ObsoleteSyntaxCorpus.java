package dev.satchel.mail.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The messages with obsolete and malformed header syntax (RFC 5322 section 4 and worse) that
 * mail-imap keeps in its test resources ({@code obsolete-syntax/*.eml}), each marked with an
 * {@code X-Corpus: NN} field, with line ends made CRLF.
 */
final class ObsoleteSyntaxCorpus {
  private static final Pattern MARK = Pattern.compile("(?m)^X-Corpus: (\\d+)\r?$");

  private ObsoleteSyntaxCorpus() {}

  /** Marker to raw message, in file name order. */
  static Map<String, byte[]> load() {
    Path dir = Path.of(System.getProperty("satchel.corpus.obsolete", "../mail-imap/src/test/resources/obsolete-syntax"));
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
        byte[] raw = crlf(Files.readAllBytes(f));
        out.put(mark(raw), raw);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the corpus in " + dir.toAbsolutePath(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no corpus messages in " + dir.toAbsolutePath());
    }
    return out;
  }

  /** The {@code X-Corpus} marker of a raw message. */
  static String mark(byte[] raw) {
    Matcher m = MARK.matcher(new String(raw, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      throw new IllegalArgumentException("no X-Corpus field");
    }
    return m.group(1);
  }

  private static byte[] crlf(byte[] raw) {
    String s = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
