package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No Jakarta, Angus or GreenMail type in the testkit's public API: users see only Satchel, JUnit and AssertJ. */
class PublicApiTest {
  private static final List<String> HIDDEN = List.of("jakarta.", "com.icegreen.", "org.eclipse.angus.", "com.sun.mail.");

  @Test
  void publicSignaturesNameNoJakartaAngusOrGreenMailType() throws Exception {
    Path classes = Path.of(TestMailServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(classes.resolve("dev/satchel/mail/testkit"))) {
      names = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "")).sorted().toList();
    }
    List<String> leaks = new ArrayList<>();
    int publicTypes = 0;
    try (URLClassLoader main = mainOnly(classes)) {
      for (String name : names) {
        publicTypes += check(leaks, Class.forName(name, false, main)) ? 1 : 0;
      }
    }
    assertThat(publicTypes).as("public types found").isGreaterThan(20);
    assertThat(leaks).isEmpty();
  }

  /**
   * A class loader for the main classes and the dependencies, without the test classes (some test
   * helpers have the names of main classes).
   */
  private static URLClassLoader mainOnly(Path mainClasses) throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(mainClasses.toUri().toURL());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (!p.equals(mainClasses.toAbsolutePath()) && !p.endsWith("test-classes")) {
        urls.add(p.toUri().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  /** Adds the public signatures of {@code type} that name a hidden type; true when the type is public. */
  private static boolean check(List<String> leaks, Class<?> type) {
    if (!isVisible(type)) {
      return false;
    }
    check(leaks, type + " extends", String.valueOf(type.getGenericSuperclass()));
    for (var i : type.getGenericInterfaces()) {
      check(leaks, type + " implements", i.getTypeName());
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic()) {
        check(leaks, m.toGenericString(), m.toGenericString());
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c.getModifiers())) {
        check(leaks, c.toGenericString(), c.toGenericString());
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers())) {
        check(leaks, f.toGenericString(), f.toGenericString());
      }
    }
    return true;
  }

  private static boolean isVisible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(List<String> leaks, String where, String signature) {
    for (String hidden : HIDDEN) {
      if (signature.contains(hidden)) {
        leaks.add(where);
      }
    }
  }
}
