package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Security;
import dev.satchel.mail.TransportPool;
import dev.satchel.mail.testkit.TestMailServer;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pooled sender, shared by threads, against GreenMail and the scripted server. */
class TransportPoolTest {

  @Test
  void eightThreadsSendTwoThousandMessagesNoneLostOrDuplicated() throws Exception {
    TestMailServer server = TestMailServer.start();
    int threads = 8;
    int perThread = 250;
    Set<String> sentIds = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TransportPool smtp = TransportPool.builder(TestServers.settings(server, TestServers.alice(server), Security.NONE))
        .maxConnections(4).maxMessagesPerConnection(300).build()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            OutgoingMessage m = OutgoingMessage.builder().from("sender@example.test").to("bob@example.test")
                .subject("t" + thread + "-" + i).text("thread " + thread + " message " + i).build();
            sentIds.add(smtp.send(m).messageId());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertThat(smtp.idleConnections()).isBetween(1, 4);
    } finally {
      pool.shutdownNow();
    }
    int total = threads * perThread;
    assertThat(sentIds).hasSize(total);
    assertThat(server.awaitReceived(total, Duration.ofSeconds(60))).isTrue();
    List<MimeMessage> received = TestServers.received(server);
    Map<String, Integer> counts = new HashMap<>();
    for (MimeMessage m : received) {
      counts.merge(m.getMessageID(), 1, Integer::sum);
    }
    assertThat(received).hasSize(total);
    assertThat(counts.keySet()).isEqualTo(sentIds);
    assertThat(counts.values()).containsOnly(1);
    server.close();
  }

  @Test
  void boundsConnectionsAndReplacesThemAfterTheMessageCap() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      try (TransportPool smtp = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(2).maxMessagesPerConnection(5).build()) {
        for (int i = 0; i < 20; i++) {
          smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("m" + i).build());
        }
      }
      assertThat(server.messageCount.get()).isEqualTo(20);
      assertThat(server.connections.get()).isEqualTo(4); // one at a time, replaced every 5 messages
    }
  }

  @Test
  void waitsOnlyFiniteTimeForAFreeConnection() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      CountDownLatch inSend = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      OutgoingMessage slow = TestServers.blocking(inSend, release);
      ExecutorService other = Executors.newSingleThreadExecutor();
      try (TransportPool smtp = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(1).acquireTimeout(Duration.ofMillis(200)).build()) {
        Future<?> busy = other.submit(() -> smtp.send(slow));
        assertThat(inSend.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("y").build()))
            .isInstanceOf(MailConnectionException.class)
            .hasMessageContaining("became free within");
        release.countDown();
        busy.get(30, TimeUnit.SECONDS);
      } finally {
        other.shutdownNow();
      }
    }
  }

  @Test
  void closedPoolRefusesSendsAndClosesItsConnections() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      TransportPool smtp = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build()).build();
      smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("m").build());
      assertThat(smtp.idleConnections()).isEqualTo(1);
      smtp.close();
      smtp.close();
      assertThat(smtp.idleConnections()).isZero();
      assertThatThrownBy(() -> smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("m").build()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void idleConnectionsExpire() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      try (TransportPool smtp = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .idleTimeout(Duration.ofMillis(200)).build()) {
        smtp.send(OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text("m").build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Object pause = new Object();
        synchronized (pause) {
          // the pool's reaper gives no signal: look again every 10 ms (without burning a core) until the deadline
          while (smtp.idleConnections() > 0 && System.nanoTime() < deadline) {
            pause.wait(10);
          }
        }
        assertThat(smtp.idleConnections()).isZero();
      }
    }
  }
}
