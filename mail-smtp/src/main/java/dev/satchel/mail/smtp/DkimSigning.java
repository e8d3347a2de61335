package dev.satchel.mail.smtp;

import dev.satchel.mail.DkimSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.jspecify.annotations.Nullable;

/**
 * A streaming DKIM signer for one composed message: the message's bytes (line ends already CR LF)
 * are written to it once; the header fields are kept, the body goes straight through jDKIM's relaxed
 * body canonicalizer into the body hash, so a large message is never held. {@link #signatureField()}
 * then returns the {@code DKIM-Signature} field to write before the message.
 *
 * <p>rsa-sha256 is signed by jDKIM ({@link DKIMSigner#sign(Headers, BodyHasher)}). For ed25519-sha256
 * (RFC 8463), which jDKIM 0.5 does not offer, jDKIM still canonicalizes the header fields and hashes
 * the body; its header data is collected into a SHA-256 digest and that digest is signed with the
 * JDK's Ed25519. Not thread-safe.
 */
final class DkimSigning extends OutputStream {
  /** Header fields are decoded as jDKIM encodes them again ({@code String.getBytes()}: the default charset). */
  private static final Charset HEADER_CHARSET = Charset.defaultCharset();
  /** A header section larger than this is refused rather than held. */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private final DkimSigner signer;
  private final ByteArrayOutputStream header = new ByteArrayOutputStream();
  private @Nullable DKIMSigner jdkim;
  private @Nullable BodyHasherImpl bodyHasher;
  private @Nullable FieldList fields;
  /** The last bytes of the header section, to find its end (CR LF CR LF). */
  private int tail;

  DkimSigning(DkimSigner signer) {
    this.signer = signer;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end && bodyHasher == null) {
      header.write(b[i]);
      tail = (tail << 8) | (b[i] & 0xff);
      i++;
      if (tail == 0x0d0a0d0a) {
        startBody();
      } else if (header.size() > MAX_HEADER_BYTES) {
        throw new IOException("the message header is over " + MAX_HEADER_BYTES + " bytes; not signed");
      }
    }
    BodyHasherImpl body = bodyHasher;
    if (body != null && i < end) {
      body.getOutputStream().write(b, i, end - i);
    }
  }

  /**
   * Ends the message and signs it.
   *
   * @return the {@code DKIM-Signature} field, ending with CR LF
   * @throws IOException when the body could not be hashed
   */
  byte[] signatureField() throws IOException {
    if (bodyHasher == null) {
      startBody(); // a message without a blank line: all header, empty body
    }
    BodyHasherImpl body = bodyHasher;
    DKIMSigner lib = jdkim;
    FieldList headers = fields;
    if (body == null || lib == null || headers == null) {
      throw new IllegalStateException("DKIM signing did not start");
    }
    body.getOutputStream().close(); // flushes the canonicalizer (trailing empty lines)
    String field;
    try {
      if (signer.algorithm() == DkimSigner.Algorithm.RSA_SHA256) {
        field = lib.sign(headers, body);
      } else {
        field = Ed25519.sign(headers, body, signer.privateKey());
      }
    } catch (PermFailException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("cannot DKIM-sign for d=" + signer.domain() + " s=" + signer.selector() + " ("
          + signer.algorithm().tag() + "): " + e.getMessage(), e);
    }
    // One tag per line: the fold goes before the space that follows each ';', so relaxed header
    // canonicalization (unfold, then WSP runs to one SP) gives back exactly the text that was signed,
    // and a 4096-bit signature with a long h= stays far below the 998-byte line limit.
    return (field.replace("; ", ";\r\n ") + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private void startBody() throws IOException {
    byte[] bytes = header.toByteArray();
    if (!roundTrips(HEADER_CHARSET) && hasEightBit(bytes)) {
      throw new IllegalArgumentException("cannot DKIM-sign a message with UTF-8 header fields while the JVM's default "
          + "charset is " + HEADER_CHARSET + ": jDKIM encodes header fields with the default charset; run with "
          + "-Dfile.encoding=UTF-8");
    }
    FieldList list = FieldList.parse(new String(bytes, HEADER_CHARSET));
    String template = "v=1; a=" + signer.algorithm().tag() + "; c=relaxed/relaxed; d=" + signer.domain() + "; s="
        + signer.selector() + "; t=; h=" + signedList(list) + "; bh=; b=;";
    DKIMSigner lib = new DKIMSigner(template, signer.privateKey());
    try {
      bodyHasher = (BodyHasherImpl) lib.newBodyHasher(lib.newSignatureRecordTemplate(template));
    } catch (PermFailException | RuntimeException e) {
      throw new IOException("cannot start DKIM signing: " + e.getMessage(), e);
    }
    jdkim = lib;
    fields = list;
  }

  /** True when decoding and encoding again with {@code cs} gives back the header bytes Satchel writes. */
  private static boolean roundTrips(Charset cs) {
    return cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.ISO_8859_1);
  }

  private static boolean hasEightBit(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  /** The {@code h=} list: each configured name as often as present, and From once more. */
  private String signedList(FieldList list) {
    List<String> names = new ArrayList<>();
    for (String name : signer.signedHeaders()) {
      int n = list.getFields(name).size();
      for (int k = 0; k < n; k++) {
        names.add(name);
      }
    }
    names.add("from");
    return String.join(":", names);
  }

  /** The header fields of the message as jDKIM reads them: whole fields, folds kept, no final CR LF. */
  static final class FieldList implements Headers {
    private final List<String> all;

    private FieldList(List<String> all) {
      this.all = all;
    }

    static FieldList parse(String header) {
      List<String> out = new ArrayList<>();
      StringBuilder current = null;
      for (String line : header.split("\r\n", -1)) {
        if (line.isEmpty()) {
          continue;
        }
        if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
          current.append("\r\n").append(line);
        } else {
          if (current != null) {
            out.add(current.toString());
          }
          current = new StringBuilder(line);
        }
      }
      if (current != null) {
        out.add(current.toString());
      }
      return new FieldList(out);
    }

    @Override
    public List<String> getFields() {
      return all;
    }

    @Override
    public List<String> getFields(String name) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      List<String> out = new ArrayList<>();
      for (String f : all) {
        int colon = f.indexOf(':');
        if (colon > 0 && f.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(wanted)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  /** ed25519-sha256 on jDKIM's canonicalization: RFC 8463 signs the SHA-256 hash of the header data. */
  abstract static class Ed25519 extends DKIMCommon {
    static String sign(Headers headers, BodyHasherImpl body, PrivateKey key)
        throws PermFailException, GeneralSecurityException {
      SignatureRecord record = body.getSignatureRecord();
      record.setBodyHash(body.getDigest());
      Signature ed = Signature.getInstance("Ed25519");
      ed.initSign(key);
      ed.update(headerHash(headers, record));
      record.setSignature(ed.sign());
      return "DKIM-Signature:" + record;
    }

    /** SHA-256 of the canonicalized signed header fields and the unsigned DKIM-Signature (RFC 8463 section 3). */
    static byte[] headerHash(Headers headers, SignatureRecord record) throws PermFailException, GeneralSecurityException {
      Sha256Collector collector = new Sha256Collector();
      collector.initSign(new CollectOnly());
      signatureCheck(headers, record, record.getHeaders(), collector);
      return collector.digest();
    }
  }

  /** The key a {@link Sha256Collector} is "initialised" with: it signs nothing. */
  private static final class CollectOnly implements PrivateKey {
    private static final long serialVersionUID = 1L;

    @Override
    public String getAlgorithm() {
      return "none";
    }

    @Override
    public @Nullable String getFormat() {
      return null;
    }

    @Override
    public byte @Nullable [] getEncoded() {
      return null;
    }
  }

  /**
   * A {@link Signature} that only hashes what it is given with SHA-256: jDKIM feeds its canonicalized
   * header data to a {@code Signature}, and RFC 8463 signs that data's hash.
   */
  private static final class Sha256Collector extends Signature {
    private final MessageDigest sha256;

    Sha256Collector() throws NoSuchAlgorithmException {
      super("SHA256-collector");
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    byte[] digest() {
      return sha256.digest();
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      throw new InvalidKeyException("collects data for signing only");
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) {
      sha256.reset();
    }

    @Override
    protected void engineUpdate(byte b) {
      sha256.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {
      sha256.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      throw new SignatureException("collects data only; sign its digest()");
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
      throw new SignatureException("collects data for signing only");
    }

    @Override
    @SuppressWarnings("deprecation")
    protected void engineSetParameter(String param, Object value) {
      throw new UnsupportedOperationException("no parameters");
    }

    @Override
    @SuppressWarnings("deprecation")
    protected Object engineGetParameter(String param) {
      throw new UnsupportedOperationException("no parameters");
    }
  }
}
