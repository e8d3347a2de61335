package dev.satchel.mail.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A chart of one run's ratios to the raw socket, written as SVG by hand (no library): for every result
 * table that has a raw-socket variant, a heading and one horizontal bar per variant whose length is
 * the variant's median time divided by the raw socket's median time in the same table, with the value
 * beside it and a vertical line at 1.0x. Time is used for every scenario, downloads too, so that all
 * bars read the same way: right of the line is slower than the raw socket. Bars longer than the scale
 * ({@value #MAX_SCALE}x at most) end at its edge; their value is still written. A variant that failed
 * gets its label and "failed", no bar. Tables without a raw socket (compression) are left out; the
 * sending tables (loopback and over the slow link) have one, the pipelining floor.
 *
 * <p>Bars are {@code <rect class="bar">}, variant names {@code <text class="label">}, values
 * {@code <text class="value">}.
 */
final class RatioChart {
  static final double MAX_SCALE = 10;
  private static final int WIDTH = 980;
  private static final int LABEL_WIDTH = 400;
  private static final int BAR_WIDTH = 460;
  private static final int ROW = 22;
  private static final int BAR = 14;
  /** Room for a table's heading and, below it, the "1.0x" mark. */
  private static final int HEADING = 42;
  private static final int TOP = 56;

  private RatioChart() {}

  /** One bar: a variant and its ratio, NaN when it failed. */
  private record Bar(String variant, double ratio, boolean floor) {}

  /**
   * The SVG document.
   *
   * @param results the run's results by {@code "target|scenario"}, variants in measuring order
   * @param titles the heading of a table from its key
   */
  static String svg(Map<String, Map<String, Runner.Result>> results, Function<String, String> titles) {
    Map<String, List<Bar>> groups = new java.util.LinkedHashMap<>();
    double largest = 1;
    for (Map.Entry<String, Map<String, Runner.Result>> e : results.entrySet()) {
      java.util.Optional<Runner.Result> floor = e.getValue().values().stream()
          .filter(r -> r.variant().startsWith("raw socket")).findFirst();
      if (floor.isEmpty() || !floor.get().ok()) {
        continue;
      }
      Runner.Result raw = floor.get();
      List<Bar> bars = new ArrayList<>();
      for (Runner.Result r : e.getValue().values()) {
        double ratio = r.ok() ? r.median() / raw.median() : Double.NaN;
        bars.add(new Bar(r.variant(), ratio, r.variant().equals(raw.variant())));
        if (!Double.isNaN(ratio)) {
          largest = Math.max(largest, ratio);
        }
      }
      groups.put(titles.apply(e.getKey()), bars);
    }
    double scale = Math.min(MAX_SCALE, Math.max(1.5, Math.ceil(largest * 1.05 * 2) / 2));
    int height = TOP + groups.values().stream().mapToInt(b -> HEADING + b.size() * ROW).sum() + 16;

    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
        + " font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
    svg.append("  <title>mail-bench: median time as a multiple of the raw socket's</title>\n");
    svg.append(fmt("  <rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));
    svg.append("  <text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">")
        .append("Median time as a multiple of the raw socket's, same run (1.0x = raw socket; longer = slower)</text>\n");
    svg.append(fmt("  <text x=\"10\" y=\"38\" fill=\"#555\">%s; scale 0 to %.1fx, longer bars end at the edge."
        + " Generated %s.</text>\n", escape("Variants are grey (floor), blue (Satchel), orange (others)"), scale,
        escape(MailBench.now())));
    int y = TOP;
    for (Map.Entry<String, List<Bar>> g : groups.entrySet()) {
      int top = y;
      svg.append(fmt("  <text class=\"heading\" x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y + 18,
          escape(g.getKey())));
      y += HEADING;
      for (Bar b : g.getValue()) {
        svg.append(fmt("  <text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL_WIDTH - 8,
            y + BAR - 2, escape(b.variant())));
        if (Double.isNaN(b.ratio())) {
          svg.append(fmt("  <text class=\"value\" x=\"%d\" y=\"%d\" fill=\"#b00\">failed</text>%n", LABEL_WIDTH + 4,
              y + BAR - 2));
        } else {
          int w = (int) Math.round(Math.min(b.ratio(), scale) / scale * BAR_WIDTH);
          svg.append(fmt("  <rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", LABEL_WIDTH,
              y + 1, Math.max(1, w), BAR, color(b)));
          svg.append(fmt("  <text class=\"value\" x=\"%d\" y=\"%d\">%.2fx</text>%n", LABEL_WIDTH + w + 6, y + BAR - 2,
              b.ratio()));
        }
        y += ROW;
      }
      int one = LABEL_WIDTH + (int) Math.round(1 / scale * BAR_WIDTH);
      svg.append(fmt("  <line class=\"one\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\""
          + " stroke-dasharray=\"4 3\"/>%n", one, top + HEADING - 2, one, y));
      svg.append(fmt("  <text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">1.0x</text>%n", one,
          top + HEADING - 5));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static String color(Bar b) {
    if (b.floor()) {
      return "#999999";
    }
    return b.variant().startsWith("Satchel") ? "#2f6db5" : "#e08a2c";
  }

  /** Escapes text for XML content and attribute values. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
      }
    }
    return out.toString();
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
