package dev.satchel.mail.testkit;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Enumeration;
import javax.net.ServerSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Installs this run's {@link TestCertificate} as the key material of GreenMail's TLS server sockets.
 *
 * <p>GreenMail 2.1 creates every TLS server socket from one JVM-wide factory
 * ({@link DummySSLServerSocketFactory#getDefault()}) that reads its key store once, from the system
 * properties {@code greenmail.tls.keystore.file} and {@code greenmail.tls.keystore.password}. So the
 * certificate is generated once per JVM, the properties are set before that factory is first used,
 * and afterwards the factory is checked to really serve this certificate.
 *
 * <p>Thread-safe.
 */
final class GreenMailTls {
  private static @Nullable TestCertificate installed;

  private GreenMailTls() {}

  /**
   * The certificate GreenMail's TLS server sockets present, generating and installing it on first
   * use.
   *
   * @throws IllegalStateException when GreenMail's TLS factory was already set up with another key
   *     store (for example because GreenMail was used directly with TLS earlier in this JVM)
   */
  static synchronized TestCertificate certificate() {
    TestCertificate current = installed;
    if (current != null) {
      return current;
    }
    TestCertificate generated = TestCertificate.generate();
    System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, generated.keyStoreFile().toString());
    System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, generated.keyStorePassword());
    System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY, generated.keyStorePassword());
    ServerSocketFactory factory = DummySSLServerSocketFactory.getDefault();
    if (!(factory instanceof DummySSLServerSocketFactory greenMailFactory)
        || !holds(greenMailFactory.getKeyStore(), generated.certificate())) {
      throw new IllegalStateException("GreenMail's TLS server socket factory was initialised before TestMailServer "
          + "could install its generated certificate (GreenMail reads its key store only once per JVM). Start the "
          + "first TestMailServer before any other use of GreenMail with TLS in this JVM.");
    }
    installed = generated;
    return generated;
  }

  private static boolean holds(KeyStore store, Certificate certificate) {
    try {
      for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
        if (certificate.equals(store.getCertificate(aliases.nextElement()))) {
          return true;
        }
      }
      return false;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
