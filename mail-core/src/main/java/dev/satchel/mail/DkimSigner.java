package dev.satchel.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How outgoing mail is signed with DKIM (RFC 6376): the signing domain ({@code d=}), the selector
 * ({@code s=}) under which the public key is published in DNS, the private key, the algorithm and
 * the header fields to sign. Canonicalization is relaxed/relaxed. Given to a send through
 * {@link SendOptions.Builder#dkim(DkimSigner)}; the SMTP module signs exactly the bytes it sends and
 * writes the {@code DKIM-Signature} header first.
 *
 * <pre>{@code
 * PrivateKey key = DkimSigner.readPrivateKey(Path.of("/etc/satchel/dkim/mail2026.pem")); // PKCS#8 PEM
 * DkimSigner dkim = DkimSigner.rsaSha256("example.com", "mail2026", key);
 * SendOptions signed = SendOptions.builder().dkim(dkim).build();
 * transport.send(message, signed);
 * // DNS: mail2026._domainkey.example.com TXT "v=DKIM1; k=rsa; p=<base64 of the public key>"
 * }</pre>
 *
 * <p>Signed header fields, by default: From, To, Cc, Subject, Date, Message-ID, Reply-To,
 * MIME-Version and Content-Type, each as often as the message has it, and From named once more than
 * present, so that a From added on the way breaks the signature (RFC 6376 section 5.4.2). Bcc is never
 * written, so never signed. The {@code h=} list must name From (RFC 6376 section 5.4).
 *
 * <p>Algorithms: {@code rsa-sha256} with an RSA key of at least 1024 bits (RFC 8301; 2048 advised)
 * and {@code ed25519-sha256} (RFC 8463). {@code rsa-sha1} is not offered (RFC 8301 forbids it).
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the key.
 */
public final class DkimSigner {
  /** The header fields signed by default, lowercase, each as often as present. */
  public static final List<String> DEFAULT_SIGNED_HEADERS = List.of("from", "to", "cc", "subject", "date",
      "message-id", "reply-to", "mime-version", "content-type");

  private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
  private static final Pattern SELECTOR = Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

  /** A DKIM signing algorithm. */
  public enum Algorithm {
    /** RSA with SHA-256 ({@code a=rsa-sha256}, {@code k=rsa}). */
    RSA_SHA256("rsa-sha256"),
    /** Ed25519 over the SHA-256 hash ({@code a=ed25519-sha256}, {@code k=ed25519}, RFC 8463). */
    ED25519_SHA256("ed25519-sha256");

    private final String tag;

    Algorithm(String tag) {
      this.tag = tag;
    }

    /** The value of the {@code a=} tag, e.g. {@code rsa-sha256}. */
    public String tag() {
      return tag;
    }
  }

  private final Algorithm algorithm;
  private final String domain;
  private final String selector;
  private final PrivateKey privateKey;
  private final List<String> signedHeaders;

  private DkimSigner(Algorithm algorithm, String domain, String selector, PrivateKey privateKey,
      List<String> signedHeaders) {
    this.algorithm = algorithm;
    this.domain = domain;
    this.selector = selector;
    this.privateKey = privateKey;
    this.signedHeaders = signedHeaders;
  }

  /**
   * Signs with {@code rsa-sha256}.
   *
   * @param domain the signing domain ({@code d=}), e.g. {@code example.com}
   * @param selector the selector ({@code s=}); the public key is at {@code <selector>._domainkey.<domain>}
   * @param key an RSA private key of at least 1024 bits
   * @throws IllegalArgumentException when the domain or selector is not a DNS name, or the key is not
   *     RSA or shorter than 1024 bits
   */
  public static DkimSigner rsaSha256(String domain, String selector, PrivateKey key) {
    Objects.requireNonNull(key, "key");
    if (!"RSA".equals(key.getAlgorithm()) || !(key instanceof RSAKey rsa)) {
      throw new IllegalArgumentException("rsa-sha256 needs an RSA private key, was " + key.getAlgorithm());
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < 1024) {
      throw new IllegalArgumentException("an RSA DKIM key must have at least 1024 bits (RFC 8301), was " + bits);
    }
    return new DkimSigner(Algorithm.RSA_SHA256, checkDomain(domain), checkSelector(selector), key,
        DEFAULT_SIGNED_HEADERS);
  }

  /**
   * Signs with {@code ed25519-sha256} (RFC 8463).
   *
   * @param domain the signing domain ({@code d=})
   * @param selector the selector ({@code s=})
   * @param key an Ed25519 private key
   * @throws IllegalArgumentException when the domain or selector is not a DNS name, or the key is not Ed25519
   */
  public static DkimSigner ed25519Sha256(String domain, String selector, PrivateKey key) {
    Objects.requireNonNull(key, "key");
    String alg = key.getAlgorithm();
    if (!"Ed25519".equalsIgnoreCase(alg) && !"EdDSA".equalsIgnoreCase(alg)) {
      throw new IllegalArgumentException("ed25519-sha256 needs an Ed25519 private key, was " + alg);
    }
    if ("EdDSA".equalsIgnoreCase(alg) && key instanceof java.security.interfaces.EdECKey ec
        && !"Ed25519".equalsIgnoreCase(ec.getParams().getName())) {
      throw new IllegalArgumentException("ed25519-sha256 needs an Ed25519 private key, was " + ec.getParams().getName());
    }
    return new DkimSigner(Algorithm.ED25519_SHA256, checkDomain(domain), checkSelector(selector), key,
        DEFAULT_SIGNED_HEADERS);
  }

  /**
   * This signer with other header fields to sign (each signed as often as the message has it; From
   * is always signed once more than present).
   *
   * @param names header field names, case-insensitive; must include From
   * @throws IllegalArgumentException when the list lacks From, is empty, or names Bcc,
   *     DKIM-Signature or something that is not a header field name
   */
  public DkimSigner signedHeaders(List<String> names) {
    List<String> checked = new ArrayList<>();
    for (String n : names) {
      Objects.requireNonNull(n, "header name");
      String lower = n.toLowerCase(Locale.ROOT);
      if (!FIELD_NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("not a header field name: \"" + n + "\"");
      }
      if (lower.equals("bcc") || lower.equals("dkim-signature")) {
        throw new IllegalArgumentException(n + " cannot be signed (Bcc is never written; DKIM-Signature is the signature)");
      }
      if (!checked.contains(lower)) {
        checked.add(lower);
      }
    }
    if (!checked.contains("from")) {
      throw new IllegalArgumentException("the signed header fields must include From (RFC 6376 section 5.4), were "
          + names);
    }
    return new DkimSigner(algorithm, domain, selector, privateKey, List.copyOf(checked));
  }

  /** The algorithm ({@code a=}). */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** The signing domain ({@code d=}), lowercase. */
  public String domain() {
    return domain;
  }

  /** The selector ({@code s=}). */
  public String selector() {
    return selector;
  }

  /** The private key that signs. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The header field names to sign, lowercase, From first or where it was given. */
  public List<String> signedHeaders() {
    return signedHeaders;
  }

  /**
   * Reads a private key from a PEM file in PKCS#8 form ({@code -----BEGIN PRIVATE KEY-----}), RSA or
   * Ed25519, as written by {@code openssl genpkey} or {@code openssl pkcs8 -topk8 -nocrypt}.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it holds no unencrypted PKCS#8 RSA or Ed25519 key
   */
  public static PrivateKey readPrivateKey(Path pem) {
    try {
      return parsePrivateKey(Files.readString(pem, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the DKIM private key file " + pem + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a private key in PKCS#8 PEM form ({@code -----BEGIN PRIVATE KEY-----}), RSA or Ed25519.
   *
   * @throws IllegalArgumentException when the text holds no unencrypted PKCS#8 RSA or Ed25519 key; a
   *     PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or encrypted key is refused with the openssl command
   *     that converts it
   */
  public static PrivateKey parsePrivateKey(String pem) {
    Objects.requireNonNull(pem, "pem");
    String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out new.pem";
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new IllegalArgumentException("the key is in PKCS#1 form (BEGIN RSA PRIVATE KEY), PKCS#8 is needed" + convert);
    }
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException("the key is encrypted, an unencrypted PKCS#8 key is needed" + convert);
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = pem.indexOf(begin);
    int to = from < 0 ? -1 : pem.indexOf(end, from);
    if (to < 0) {
      throw new IllegalArgumentException("no PKCS#8 private key (" + begin + " ... " + end + ") found");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM private key is not valid base64", e);
    }
    for (String alg : List.of("RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PEM private key is neither an RSA nor an Ed25519 PKCS#8 key");
  }

  @Override
  public String toString() {
    return "DkimSigner[" + algorithm.tag() + ", d=" + domain + ", s=" + selector + ", h=" + String.join(":", signedHeaders)
        + "]";
  }

  private static String checkDomain(String domain) {
    Objects.requireNonNull(domain, "domain");
    if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
      throw new IllegalArgumentException("DKIM domain must be an ASCII DNS name with a dot (punycode for IDN), was \""
          + domain + "\"");
    }
    return domain.toLowerCase(Locale.ROOT);
  }

  private static String checkSelector(String selector) {
    Objects.requireNonNull(selector, "selector");
    if (selector.length() > 200 || !SELECTOR.matcher(selector).matches()) {
      throw new IllegalArgumentException("DKIM selector must be DNS labels (letters, digits, '-', '_'), was \""
          + selector + "\"");
    }
    return selector;
  }
}
