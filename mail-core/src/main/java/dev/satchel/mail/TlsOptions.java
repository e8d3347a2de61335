package dev.satchel.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Which certificates a TLS connection trusts. Hostname verification is always on and cannot be
 * switched off; there is no "trust all" option.
 *
 * <p>The default, {@link #systemDefault()}, trusts the JDK's default trust store. For a test server
 * with a self-signed certificate, trust exactly that certificate with {@link #trusting(KeyStore)} or
 * {@link #trustingPem(Path)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsOptions {
  private static final TlsOptions SYSTEM = new TlsOptions(null, "the JDK default trust store");

  private final @Nullable SSLContext context;
  private final String description;

  private TlsOptions(@Nullable SSLContext context, String description) {
    this.context = context;
    this.description = description;
  }

  /** Trusts what the JDK trusts by default (its {@code cacerts}). */
  public static TlsOptions systemDefault() {
    return SYSTEM;
  }

  /**
   * Trusts the certificates in {@code trustStore} (and only those).
   *
   * @throws IllegalArgumentException when the store holds no certificate or cannot be used
   */
  public static TlsOptions trusting(KeyStore trustStore) {
    try {
      if (trustStore.size() == 0) {
        throw new IllegalArgumentException("trust store holds no certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return new TlsOptions(ctx, "a custom trust store of " + trustStore.size() + " entries");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("trust store cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * Trusts the X.509 certificates in a PEM file (and only those).
   *
   * @throws IllegalArgumentException when the file does not exist, cannot be read, is not PEM/DER
   *     X.509 or holds no certificate; the message names the file
   */
  public static TlsOptions trustingPem(Path pemFile) {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + pemFile);
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("cert-" + i++, c);
      }
      return trusting(ks);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("PEM file not found: " + pemFile, e);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
    }
  }

  /** Trusts whatever the given, already initialised context trusts. */
  public static TlsOptions using(SSLContext context) {
    return new TlsOptions(context, "a caller-supplied SSLContext");
  }

  /**
   * The SSL context to create sockets from; the JDK default context when
   * {@link #systemDefault()}.
   */
  public SSLContext sslContext() {
    if (context != null) {
      return context;
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no default SSLContext", e);
    }
  }

  /** True when this is {@link #systemDefault()}. */
  public boolean isSystemDefault() {
    return context == null;
  }

  @Override
  public String toString() {
    return "TlsOptions[trust=" + description + ", hostnameVerification=on]";
  }
}
