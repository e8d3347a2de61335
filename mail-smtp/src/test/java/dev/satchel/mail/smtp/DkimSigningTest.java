package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.DkimSigner;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.Transport;
import dev.satchel.mail.testkit.TestMailServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DKIM signatures as mail-smtp sends them: rsa-sha256 checked by jDKIM's own verifier with a key
 * retriever instead of DNS; ed25519-sha256 checked against RFC 8463 Appendix A.
 */
class DkimSigningTest {
  private static KeyPair rsa;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa = g.generateKeyPair();
  }

  @Test
  void rsaSignedMessageVerifiesWithJdkim() throws Exception {
    byte[] signed = signedBytes(message().build(), rsaSigner());

    List<SignatureRecord> records = verifier(rsa.getPublic()).verify(new ByteArrayInputStream(signed));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getDToken().toString()).isEqualTo("example.test");
    assertThat(records.get(0).getSelector().toString()).isEqualTo("sel");
    String sig = signatureField(new String(signed, StandardCharsets.US_ASCII));
    assertThat(new String(signed, StandardCharsets.US_ASCII).lines().takeWhile(l -> !l.isEmpty()))
        .as("folded, one tag per line").allSatisfy(l -> assertThat(l.length()).isLessThan(400));
    assertThat(sig).startsWith("DKIM-Signature: ").contains(" v=1;", " a=rsa-sha256;", " c=relaxed/relaxed;", " d=example.test;",
        " s=sel;");
  }

  @Test
  void signsEachPresentHeaderAndFromOnceMoreAndABccNever() throws Exception {
    OutgoingMessage m = message().cc("carol@example.test").bcc("secret@example.test").build();
    byte[] signed = signedBytes(m, rsaSigner());
    String text = new String(signed, StandardCharsets.UTF_8);
    String h = field(text, "h");

    assertThat(h).isEqualTo("from:to:cc:subject:date:message-id:mime-version:content-type:from");
    assertThat(text.lines()).noneMatch(l -> l.regionMatches(true, 0, "bcc:", 0, 4));
    assertThat(text).doesNotContain("secret@example.test");
    verifier(rsa.getPublic()).verify(new ByteArrayInputStream(signed));
  }

  @Test
  void anAddedFromOrAChangedBodyBreaksTheSignature() throws Exception {
    byte[] signed = signedBytes(message().build(), rsaSigner());
    String text = new String(signed, StandardCharsets.UTF_8);
    String fromAdded = text.replace("\r\nFrom: ", "\r\nFrom: evil@example.test\r\nFrom: ");
    String bodyChanged = text.replace("Hello", "Hullo");

    assertThatThrownBy(() -> verifier(rsa.getPublic()).verify(new ByteArrayInputStream(fromAdded.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(FailException.class);
    assertThatThrownBy(() -> verifier(rsa.getPublic()).verify(new ByteArrayInputStream(bodyChanged.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(FailException.class);
  }

  @Test
  void aMessageOver64KiBIsSignedInTheMeasuringPassAndSentWithTheSameBytes() throws Exception {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    OutgoingMessage m = message().attach(Attachment.of("data.bin", "application/octet-stream",
        () -> new ByteArrayInputStream(data))).build();
    MessageContent content = MessageContent.of(m, "test", rsaSigner());
    assertThat(content.bytes()).as("too large to hold").isNull();
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    content.writeTo(sent);

    assertThat(sent.size()).isEqualTo(content.size()).isGreaterThan(MessageContent.BUFFERED);
    verifier(rsa.getPublic()).verify(new ByteArrayInputStream(sent.toByteArray()));
  }

  @Test
  void utf8And8BitContentIsSignedAsSent() throws Exception {
    OutgoingMessage m = OutgoingMessage.builder().from("jörg@example.test").to("zoë@example.test")
        .subject("Grüße aus Köln – 東京").text("Schöne Grüße,\nJörg — ünïcödé ✓\n").date(java.time.OffsetDateTime.now())
        .messageId("<utf8-test@example.test>").build();
    byte[] signed = signedBytes(m, rsaSigner());
    assertThat(hasEightBit(signed)).as("UTF-8 header bytes").isTrue();

    verifier(rsa.getPublic()).verify(new ByteArrayInputStream(signed));
  }

  @Test
  void ed25519SignatureVerifiesWithTheRfc8463Scheme() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] signed = signedBytes(message().build(), DkimSigner.ed25519Sha256("example.test", "ed", ed.getPrivate()));

    assertThat(signatureField(new String(signed, StandardCharsets.US_ASCII))).startsWith("DKIM-Signature: ")
        .contains(" a=ed25519-sha256;");
    assertThat(ed25519Verifies(signed, ed.getPublic())).isTrue();
    byte[] changed = new String(signed, StandardCharsets.US_ASCII).replace("Subject: Hi", "Subject: Ho")
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(ed25519Verifies(changed, ed.getPublic())).isFalse();
  }

  @Test
  void rfc8463AppendixASignatureVerifiesWithTheSameCanonicalizationAndHash() throws Exception {
    // RFC 8463 A.2 public key and A.3 signed message (the ed25519 signature; the RSA one removed)
    PublicKey rfcKey = ed25519Public(Base64.getDecoder().decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
    String message = String.join("\r\n",
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
        " d=football.example.com; i=@football.example.com;",
        " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
        " subject : date : message-id : from : subject : date;",
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
        " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
        " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
        "From: Joe SixPack <joe@football.example.com>",
        "To: Suzie Q <suzie@shopping.example.net>",
        "Subject: Is dinner ready?",
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
        "",
        "Hi.",
        "",
        "We lost the game.  Are you hungry yet?",
        "",
        "Joe.",
        "");
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);

    assertThat(ed25519Verifies(bytes, rfcKey)).isTrue();
    assertThat(ed25519Verifies(message.replace("Joe.", "Jim.").getBytes(StandardCharsets.US_ASCII), rfcKey)).isFalse();
  }

  @Test
  void rfc8463AppendixAKeySignsAndItsPublicKeyVerifies() throws Exception {
    // RFC 8463 A.2: the private key is the 32-byte seed; its public key is published as p=
    byte[] seed = Base64.getDecoder().decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(
        concat(HexFormat.of().parseHex("302e020100300506032b657004220420"), seed)));
    PublicKey pub = ed25519Public(Base64.getDecoder().decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));

    byte[] signed = signedBytes(message().build(), DkimSigner.ed25519Sha256("football.example.com", "brisbane", key));

    assertThat(ed25519Verifies(signed, pub)).isTrue();
  }

  @Test
  void aTransportSendsTheSignatureAndTheServerReceivesVerifiableBytes() throws Exception {
    try (TestMailServer server = TestMailServer.start()) {
      OutgoingMessage m = OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test").subject("Over SMTP")
          .text("First line.\n.A line starting with a dot.\n..two dots\n").build();
      try (Transport smtp = Transport.connect(TestServers.settings(server, TestServers.alice(server), Security.NONE))) {
        smtp.send(m, SendOptions.builder().dkim(rsaSigner()).build());
      }
      assertThat(server.awaitReceived(1, java.time.Duration.ofSeconds(30))).isTrue();
      byte[] raw = server.receivedRaw().get(0);

      List<SignatureRecord> records = verifier(rsa.getPublic()).verify(new ByteArrayInputStream(raw));

      assertThat(records).hasSize(1);
      assertThat(new String(raw, StandardCharsets.US_ASCII)).contains("\r\n.A line starting with a dot.");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static OutgoingMessage.Builder message() {
    return OutgoingMessage.builder().from("alice@example.test").to("bob@example.test").subject("Hi")
        .text("Hello,\n\n  a line   with  spaces   \n\n\n").date(java.time.OffsetDateTime.now())
        .messageId("<" + java.util.UUID.randomUUID() + "@example.test>"); // as SmtpTransport fixes them before composing
  }

  private static DkimSigner rsaSigner() {
    return DkimSigner.rsaSha256("example.test", "sel", rsa.getPrivate());
  }

  private static byte[] signedBytes(OutgoingMessage m, DkimSigner signer) throws Exception {
    MessageContent content = MessageContent.of(m, "test", signer);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    content.writeTo(out);
    assertThat(out.size()).isEqualTo(content.size());
    return out.toByteArray();
  }

  private static DKIMVerifier verifier(PublicKey key) {
    String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
    return new DKIMVerifier((method, selector, domain) -> List.of(record));
  }

  /** The DKIM-Signature field at the top of {@code message}, unfolded. */
  private static String signatureField(String message) {
    StringBuilder out = new StringBuilder();
    for (String line : message.split("\r\n")) {
      if (out.length() > 0 && !line.startsWith(" ")) {
        break;
      }
      out.append(line);
    }
    return out.toString();
  }

  private static String field(String message, String tag) {
    String sig = signatureField(message) + ";";
    int at = sig.indexOf(" " + tag + "=");
    return sig.substring(at + tag.length() + 2, sig.indexOf(';', at));
  }

  private static boolean hasEightBit(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the first DKIM-Signature of {@code message} the RFC 8463 way: the body hash, then Ed25519
   * over the SHA-256 of the canonicalized header data.
   */
  private static boolean ed25519Verifies(byte[] message, PublicKey key) throws Exception {
    String all = new String(message, StandardCharsets.UTF_8);
    int end = all.indexOf("\r\n\r\n");
    DkimSigning.FieldList fields = DkimSigning.FieldList.parse(all.substring(0, end + 2));
    String sigField = fields.getFields("DKIM-Signature").get(0);
    SignatureRecord record = new SignatureRecordImpl(sigField.substring(sigField.indexOf(':') + 1));
    BodyHasherImpl body = new BodyHasherImpl(record);
    body.getOutputStream().write(message, end + 4, message.length - end - 4);
    body.getOutputStream().close();
    if (!Arrays.equals(body.getDigest(), record.getBodyHash())) {
      return false;
    }
    Signature ed = Signature.getInstance("Ed25519");
    ed.initVerify(key);
    ed.update(DkimSigning.Ed25519.headerHash(fields, record));
    return ed.verify(record.getSignature());
  }

  private static PublicKey ed25519Public(byte[] raw) throws Exception {
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
        concat(HexFormat.of().parseHex("302a300506032b6570032100"), raw)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
