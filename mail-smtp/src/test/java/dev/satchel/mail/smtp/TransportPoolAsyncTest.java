package dev.satchel.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailDeliveryUnknownException;
import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.TransportPool;
import dev.satchel.mail.testkit.RecipientPolicy;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestMailServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link TransportPool#sendAll} and {@link TransportPool#sendAsync}: the pool's own threads, one future per message. */
@ExtendWith(TestMailServerExtension.class)
class TransportPoolAsyncTest {

  @Test
  void sendAllDeliversTwoHundredMessagesWithPerRecipientResultsInInputOrder(TestMailServer server) throws Exception {
    server.recipientPolicy(RecipientPolicy.builder().reject("blocked@example.test").build());
    List<OutgoingMessage> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      OutgoingMessage.Builder b = OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test")
          .subject("bulk " + i).text("message " + i);
      if (i % 10 == 0) {
        b.cc("blocked@example.test");
      }
      messages.add(b.build());
    }
    List<CompletableFuture<SendResult>> futures;
    try (TransportPool pool = TransportPool.builder(
        TestServers.settings(server, TestServers.alice(server), Security.NONE)).maxConnections(4).build()) {
      futures = pool.sendAll(messages);
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
    }

    assertThat(futures).hasSize(200);
    assertThat(futures).extracting(f -> f.get().messageId()).doesNotHaveDuplicates();
    for (int i = 0; i < 200; i++) {
      SendResult r = futures.get(i).get();
      assertThat(r.accepted()).extracting(a -> a.address()).containsExactly("bob@example.test");
      if (i % 10 == 0) {
        assertThat(r.rejected()).extracting(x -> x.address().address(), RejectedRecipient::replyCode)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("blocked@example.test", 550));
      } else {
        assertThat(r.isComplete()).isTrue();
      }
    }
    assertThat(server.awaitReceived(200, Duration.ofSeconds(60))).isTrue();
    assertThat(server.received("bob@example.test")).hasSize(200).extracting(Message::subject).doesNotHaveDuplicates();
    assertThat(server.received("blocked@example.test")).isEmpty();
  }

  @Test
  void aRefusedMessageFailsOnlyItsOwnFutureWithTheSameExceptionAsSend(TestMailServer server) throws Exception {
    server.recipientPolicy(RecipientPolicy.builder().reject("nobody@example.test").build());
    try (TransportPool pool = TransportPool.builder(
        TestServers.settings(server, TestServers.alice(server), Security.NONE)).maxConnections(2).build()) {
      List<CompletableFuture<SendResult>> futures = pool.sendAll(List.of(
          OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test").subject("one").text("1").build(),
          OutgoingMessage.builder().from(TestServers.ALICE).to("nobody@example.test").subject("two").text("2").build(),
          OutgoingMessage.builder().from(TestServers.ALICE).to("bob@example.test").subject("three").text("3").build()));

      assertThat(futures.get(0).get(60, TimeUnit.SECONDS).isComplete()).isTrue();
      assertThatThrownBy(() -> futures.get(1).get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(MailCommandException.class, e -> assertThat(e.rejectedRecipients())
              .extracting(r -> r.address().address()).containsExactly("nobody@example.test"));
      assertThat(futures.get(2).get(60, TimeUnit.SECONDS).isComplete()).isTrue();
    }
    assertThat(server.received("bob@example.test")).extracting(Message::subject).containsExactlyInAnyOrder("one", "three");
  }

  @Test
  void maybeDeliveredStaysDistinguishableAndTheNextMessagesStillGo() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      server.dropAfterNextDot.set(true);
      try (TransportPool pool = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(1).build()) {
        List<CompletableFuture<SendResult>> futures = pool.sendAll(List.of(message("a"), message("b"), message("c")));

        assertThatThrownBy(() -> futures.get(0).get(60, TimeUnit.SECONDS)).cause()
            .isInstanceOf(MailDeliveryUnknownException.class);
        assertThat(futures.get(1).get(60, TimeUnit.SECONDS).isComplete()).isTrue();
        assertThat(futures.get(2).get(60, TimeUnit.SECONDS).isComplete()).isTrue();
      }
      assertThat(server.messageCount.get()).as("the uncertain one is not sent again").isEqualTo(3);
    }
  }

  @Test
  void closeCancelsQueuedMessagesAndLetsTheOneInFlightFinish() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      CountDownLatch inSend = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      TransportPool pool = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(1).closeTimeout(Duration.ofMillis(200)).build();
      CompletableFuture<SendResult> inFlight = pool.sendAsync(TestServers.blocking(inSend, release));
      assertThat(inSend.await(30, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<SendResult>> queued = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        queued.add(pool.sendAsync(message("q" + i)));
      }

      pool.close();

      assertThat(queued).allSatisfy(f -> {
        assertThat(f).isCancelled();
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class).hasMessageContaining("not sent");
      });
      assertThatThrownBy(() -> pool.sendAsync(message("late"))).isInstanceOf(IllegalStateException.class);
      release.countDown();
      assertThat(inFlight.get(60, TimeUnit.SECONDS).isComplete()).isTrue();
      assertThat(server.messageCount.get()).isEqualTo(1);
    }
  }

  @Test
  void closeSendsWhatIsQueuedWhenThereIsTime() throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      List<CompletableFuture<SendResult>> futures;
      try (TransportPool pool = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(2).build()) {
        List<OutgoingMessage> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          messages.add(message("m" + i));
        }
        futures = pool.sendAll(messages);
      }
      assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
      assertThat(server.messageCount.get()).isEqualTo(30);
    }
  }

  @Test
  void aFullQueueMakesTheSubmitterWaitAndThenFailsThatMessageOnly() throws Exception {
    int sent = withBusyConnection(1, pool -> {
      CompletableFuture<SendResult> queued = pool.sendAsync(message("queued"));
      CompletableFuture<SendResult> refused = pool.sendAsync(message("refused"));
      assertThatThrownBy(refused::join).cause().isInstanceOf(MailConnectionException.class)
          .hasMessageContaining("queue full").hasMessageContaining("not sent");
      return List.of(queued);
    });
    assertThat(sent).isEqualTo(2);
  }

  @Test
  void sendAllAgainstAFullQueueWaitsOnceAndFailsTheRestAtOnce() throws Exception {
    int sent = withBusyConnection(2, pool -> {
      List<OutgoingMessage> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(message("b" + i));
      }
      List<CompletableFuture<SendResult>> futures = pool.sendAll(batch);
      assertThat(futures).hasSize(50);
      assertThat(futures.subList(2, 50)).allSatisfy(f -> assertThatThrownBy(f::join).cause()
          .isInstanceOf(MailConnectionException.class).hasMessageContaining("queue full"));
      return futures.subList(0, 2);
    });
    assertThat(sent).isEqualTo(3);
  }

  @Test
  void builderRefusesAnEmptyQueue() {
    assertThatThrownBy(() -> TransportPool.builder(TestServers.plain(25).build()).maxQueuedMessages(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxQueuedMessages must be 1..1000000, was 0");
  }

  /**
   * Runs {@code body} against a one-connection pool (queue bound {@code maxQueued}, acquire timeout
   * 200 ms) whose connection is busy sending a message that is held until {@code body} returns; then
   * lets it go and checks that the message and the futures {@code body} returned complete.
   *
   * @return how many messages the server received
   */
  private static int withBusyConnection(int maxQueued,
      Function<TransportPool, List<CompletableFuture<SendResult>>> body) throws Exception {
    try (FakeSmtpServer server = new FakeSmtpServer()) {
      server.password = TestServers.FAKE_PASSWORD;
      CountDownLatch inSend = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      try (TransportPool pool = TransportPool.builder(
          TestServers.plain(server.port()).password("u@fake.test", TestServers.FAKE_PASSWORD).build())
          .maxConnections(1).maxQueuedMessages(maxQueued).acquireTimeout(Duration.ofMillis(200)).build()) {
        CompletableFuture<SendResult> inFlight = pool.sendAsync(TestServers.blocking(inSend, release));
        assertThat(inSend.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<SendResult>> mustSucceed;
        try {
          mustSucceed = body.apply(pool);
        } finally {
          release.countDown();
        }
        assertThat(inFlight.get(60, TimeUnit.SECONDS).isComplete()).isTrue();
        for (CompletableFuture<SendResult> f : mustSucceed) {
          assertThat(f.get(60, TimeUnit.SECONDS).isComplete()).isTrue();
        }
      }
      return server.messageCount.get();
    }
  }

  private static OutgoingMessage message(String text) {
    return OutgoingMessage.builder().from("s@fake.test").to("b@fake.test").text(text).build();
  }
}
