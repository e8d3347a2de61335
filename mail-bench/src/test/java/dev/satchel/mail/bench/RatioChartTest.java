package dev.satchel.mail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class RatioChartTest {

  private static Runner.Result ok(String variant, double seconds) {
    return new Runner.Result(variant, List.of(seconds), 1, 0, "", null);
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** The elements with this class attribute, in document order. */
  private static List<Element> byClass(Document d, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList all = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.getAttribute("class").equals(cls)) {
        out.add(e);
      }
    }
    return out;
  }

  private static Map<String, Map<String, Runner.Result>> run() {
    Map<String, Map<String, Runner.Result>> results = new LinkedHashMap<>();
    Map<String, Runner.Result> list = new LinkedHashMap<>();
    list.put("raw socket UID FETCH 1:*", ok("raw socket UID FETCH 1:*", 0.1));
    list.put("Satchel Mailbox.list", ok("Satchel Mailbox.list", 0.25));
    list.put("Angus + FetchProfile <&> \"quoted\"", ok("Angus + FetchProfile <&> \"quoted\"", 0.2));
    results.put("Dovecot|list", list);
    Map<String, Runner.Result> download = new LinkedHashMap<>();
    download.put("raw socket BODY.PEEK[2]", ok("raw socket BODY.PEEK[2]", 1.0));
    download.put("Satchel engine BODY.PEEK[2] (preview)", ok("Satchel engine BODY.PEEK[2] (preview)", 0.5));
    download.put("naive", ok("naive", 400));
    results.put("Dovecot|download", download);
    Map<String, Runner.Result> send = new LinkedHashMap<>();
    send.put("Satchel Transport (1 connection)", ok("Satchel Transport (1 connection)", 2));
    results.put("Dovecot|send", send);
    return results;
  }

  @Test
  void chartIsWellFormedSvgWithOneLabelledBarPerVariant() throws Exception {
    Document d = parse(RatioChart.svg(run(), key -> "title of " + key));

    assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(byClass(d, "bar")).hasSize(6);
    assertThat(byClass(d, "label")).extracting(Element::getTextContent).containsExactly("raw socket UID FETCH 1:*",
        "Satchel Mailbox.list", "Angus + FetchProfile <&> \"quoted\"", "raw socket BODY.PEEK[2]",
        "Satchel engine BODY.PEEK[2] (preview)", "naive");
    assertThat(byClass(d, "value")).extracting(Element::getTextContent).containsExactly("1.00x", "2.50x", "2.00x", "1.00x",
        "0.50x", "400.00x");
    assertThat(byClass(d, "heading")).extracting(Element::getTextContent).containsExactly("title of Dovecot|list",
        "title of Dovecot|download");
    assertThat(byClass(d, "one")).hasSize(2);
  }

  @Test
  void barLengthsFollowTheRatioAndStopAtTheScale() throws Exception {
    List<Element> bars = byClass(parse(RatioChart.svg(run(), key -> key)), "bar");
    int raw = Integer.parseInt(bars.get(0).getAttribute("width"));
    int satchel = Integer.parseInt(bars.get(1).getAttribute("width"));
    int naive = Integer.parseInt(bars.get(5).getAttribute("width"));

    assertThat(satchel).isBetween(raw * 5 / 2 - 1, raw * 5 / 2 + 1);
    assertThat(naive).isEqualTo((int) Math.round(raw * RatioChart.MAX_SCALE));
  }

  @Test
  void failedVariantHasALabelButNoBar() throws Exception {
    Map<String, Map<String, Runner.Result>> results = run();
    results.get("Dovecot|list").put("Satchel Mailbox.list",
        new Runner.Result("Satchel Mailbox.list", List.of(), -1, 0, "", "IOException: gone"));
    Document d = parse(RatioChart.svg(results, key -> key));

    assertThat(byClass(d, "bar")).hasSize(5);
    assertThat(byClass(d, "label")).hasSize(6);
    assertThat(byClass(d, "value")).extracting(Element::getTextContent).contains("failed");
  }
}
