package dev.satchel.mail.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A key pair and a self-signed X.509 v3 certificate made for this run, for {@code localhost} and
 * {@code 127.0.0.1} (subject alternative names DNS:localhost and IP:127.0.0.1), valid from one hour
 * ago for seven days, and the PKCS#12 key store that holds both.
 *
 * <p>Written with a small DER encoder so that no provider beyond the JDK's own (and no external
 * {@code keytool} process) is needed. The key is EC P-256, the signature ECDSA with SHA-256.
 *
 * <p>Immutable and thread-safe.
 */
final class TestCertificate {
  /** The alias of the key entry in {@link #keyStoreFile()}. */
  static final String ALIAS = "satchel-testkit";

  private static final String ECDSA_WITH_SHA256_OID = "1.2.840.10045.4.3.2"; // ecdsa-with-SHA256
  private static final String COMMON_NAME_OID = "2.5.4.3";
  private static final String ORGANIZATION_OID = "2.5.4.10";
  private static final String SUBJECT_ALT_NAME_OID = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS_OID = "2.5.29.19";
  private static final String EXTENDED_KEY_USAGE_OID = "2.5.29.37";
  private static final String SERVER_AUTH_OID = "1.3.6.1.5.5.7.3.1";

  private final X509Certificate certificate;
  private final Path keyStoreFile;
  private final String keyStorePassword;

  private TestCertificate(X509Certificate certificate, Path keyStoreFile, String keyStorePassword) {
    this.certificate = certificate;
    this.keyStoreFile = keyStoreFile;
    this.keyStorePassword = keyStorePassword;
  }

  /**
   * Generates a new key pair and certificate and writes them to a new PKCS#12 file in the
   * temporary directory (readable only by the owner where the file system allows; deleted when the
   * JVM exits).
   *
   * @throws IllegalStateException when the JDK cannot generate the key or write the file
   */
  static TestCertificate generate() {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keyPair = generator.generateKeyPair();

      Instant now = Instant.now();
      byte[] tbs = tbsCertificate(keyPair, new BigInteger(63, random).add(BigInteger.ONE),
          now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keyPair.getPrivate(), random);
      signer.update(tbs);
      byte[] signature = signer.sign(); // already a DER ECDSA-Sig-Value
      byte[] der = sequence(tbs, signatureAlgorithm(), bitString(signature));

      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      certificate.verify(keyPair.getPublic());

      byte[] secret = new byte[18];
      random.nextBytes(secret);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, keyPair.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
      Path file = createPrivateTempFile();
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return new TestCertificate(certificate, file, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot generate the test server's TLS certificate: " + e.getMessage(), e);
    }
  }

  /** The self-signed certificate. */
  X509Certificate certificate() {
    return certificate;
  }

  /** The PKCS#12 file holding the private key and the certificate under {@link #ALIAS}. */
  Path keyStoreFile() {
    return keyStoreFile;
  }

  /** The password of {@link #keyStoreFile()} and of its key entry. */
  String keyStorePassword() {
    return keyStorePassword;
  }

  /** A key store holding only the certificate, as a trust anchor. */
  KeyStore trustStore() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(ALIAS, certificate);
      return trust;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store for the test certificate", e);
    }
  }

  private static Path createPrivateTempFile() throws IOException {
    Path file;
    try {
      file = Files.createTempFile("satchel-testkit-", ".p12",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      file = Files.createTempFile("satchel-testkit-", ".p12");
    }
    file.toFile().deleteOnExit();
    return file;
  }

  private static byte[] tbsCertificate(KeyPair keyPair, BigInteger serial, Instant notBefore, Instant notAfter) {
    byte[] name = sequence(
        set(sequence(oid(ORGANIZATION_OID), utf8String("Satchel testkit"))),
        set(sequence(oid(COMMON_NAME_OID), utf8String("localhost"))));
    byte[] subjectAltName = sequence(
        tagged(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)), // dNSName [2] IA5String
        tagged(0x87, new byte[] {127, 0, 0, 1})); // iPAddress [7] OCTET STRING
    byte[] extensions = sequence(
        sequence(oid(BASIC_CONSTRAINTS_OID), booleanTrue(), octetString(sequence())),
        sequence(oid(EXTENDED_KEY_USAGE_OID), octetString(sequence(oid(SERVER_AUTH_OID)))),
        sequence(oid(SUBJECT_ALT_NAME_OID), octetString(subjectAltName)));
    return sequence(
        tagged(0xA0, integer(BigInteger.TWO)), // [0] EXPLICIT version v3
        integer(serial),
        signatureAlgorithm(),
        name,
        sequence(utcTime(notBefore), utcTime(notAfter)),
        name,
        keyPair.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
        tagged(0xA3, extensions)); // [3] EXPLICIT extensions
  }

  private static byte[] signatureAlgorithm() {
    return sequence(oid(ECDSA_WITH_SHA256_OID));
  }

  // ---- a minimal DER encoder: just the types a certificate needs ----

  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      byte[] lengthBytes = BigInteger.valueOf(length).toByteArray();
      int start = lengthBytes[0] == 0 ? 1 : 0;
      out.write(0x80 | (lengthBytes.length - start));
      out.write(lengthBytes, start, lengthBytes.length - start);
    }
    out.write(content, 0, content.length);
    return out.toByteArray();
  }

  private static byte[] sequence(byte[]... elements) {
    return tagged(0x30, concat(elements));
  }

  private static byte[] set(byte[]... elements) {
    return tagged(0x31, concat(elements));
  }

  private static byte[] integer(BigInteger value) {
    return tagged(0x02, value.toByteArray()); // two's complement, minimal: what DER wants
  }

  private static byte[] booleanTrue() {
    return tagged(0x01, new byte[] {(byte) 0xFF});
  }

  private static byte[] octetString(byte[] content) {
    return tagged(0x04, content);
  }

  private static byte[] bitString(byte[] content) {
    byte[] withPadding = new byte[content.length + 1]; // first byte: 0 unused bits
    System.arraycopy(content, 0, withPadding, 1, content.length);
    return tagged(0x03, withPadding);
  }

  private static byte[] utf8String(String value) {
    return tagged(0x0C, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] utcTime(Instant instant) {
    // UTCTime (YYMMDDHHMMSSZ) is valid until 2049, after that RFC 5280 asks for GeneralizedTime.
    boolean utc = instant.atOffset(ZoneOffset.UTC).getYear() < 2050;
    String pattern = utc ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'";
    String text = DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC).format(instant);
    return tagged(utc ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.", -1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      byte[] base128 = new byte[10];
      int n = 0;
      do {
        base128[n++] = (byte) (arc & 0x7F);
        arc >>>= 7;
      } while (arc != 0);
      for (int j = n - 1; j >= 0; j--) {
        out.write(base128[j] | (j == 0 ? 0 : 0x80));
      }
    }
    return tagged(0x06, out.toByteArray());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "TestCertificate[subject=" + certificate.getSubjectX500Principal().getName()
        + ", serial=" + HexFormat.of().formatHex(certificate.getSerialNumber().toByteArray()) + "]";
  }
}
