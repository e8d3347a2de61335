package dev.satchel.mail.cli;

/** How a command prints its results: for people, for {@code cut}/{@code awk}, or for programs. */
enum OutputFormat {
  /** Aligned text for people. */
  TEXT,
  /** Tab-separated values with a header line; tabs and line breaks inside values become spaces. */
  TSV,
  /** JSON. */
  JSON;

  /** A value made safe for one TSV cell. */
  static String cell(String value) {
    return value.replaceAll("[\\t\\r\\n]+", " ");
  }
}
