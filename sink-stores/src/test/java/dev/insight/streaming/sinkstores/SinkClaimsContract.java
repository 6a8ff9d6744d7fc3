package dev.insight.streaming.sinkstores;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every sink claims store must do, run against each real server by a subclass. */
public abstract class SinkClaimsContract {

  /** Claims kept in {@code location} (a keyspace or database), created when missing. */
  protected abstract SinkClaims newClaims(String location);

  @Test
  void theFirstPipelineHoldsATableAndASecondIsToldWhoHoldsIt() {
    SinkClaims claims = newClaims("claims_first");
    claims.createIfMissing();
    SinkClaim first = new SinkClaim("ks.rows", "team-a", "orders", "uid-a");
    SinkClaim second = new SinkClaim("ks.rows", "team-b", "orders", "uid-b");

    assertThat(claims.claim(first)).isEqualTo(first);
    assertThat(claims.claim(first)).as("claiming again").isEqualTo(first);
    assertThat(claims.claim(second)).isEqualTo(first);
    assertThat(claims.claim(new SinkClaim("ks.other", "team-b", "orders", "uid-b")))
        .as("another table")
        .isEqualTo(new SinkClaim("ks.other", "team-b", "orders", "uid-b"));
  }

  @Test
  void releasingFreesEveryTableOfThatPipelineOnly() {
    SinkClaims claims = newClaims("claims_release");
    claims.createIfMissing();
    SinkClaim a1 = new SinkClaim("ks.one", "team-a", "orders", "uid-a");
    SinkClaim a2 = new SinkClaim("ks.two", "team-a", "orders", "uid-a");
    SinkClaim b = new SinkClaim("ks.three", "team-b", "clicks", "uid-b");
    claims.claim(a1);
    claims.claim(a2);
    claims.claim(b);

    assertThat(claims.releaseAll("uid-a")).containsExactlyInAnyOrder("ks.one", "ks.two");
    assertThat(claims.releaseAll("uid-a")).isEmpty();
    SinkClaim taker = new SinkClaim("ks.one", "team-c", "other", "uid-c");
    assertThat(claims.claim(taker)).isEqualTo(taker);
    assertThat(claims.claim(new SinkClaim("ks.three", "team-c", "other", "uid-c"))).isEqualTo(b);
  }

  @Test
  void thePipelineMadeAgainUnderItsNameTakesItsPredecessorsClaimOver() {
    SinkClaims claims = newClaims("claims_again");
    claims.createIfMissing();
    SinkClaim before = new SinkClaim("db.rows", "team-a", "orders", "uid-old");
    SinkClaim again = new SinkClaim("db.rows", "team-a", "orders", "uid-new");
    claims.claim(before);

    assertThat(claims.claim(again)).isEqualTo(again);
    // the old UID's late cleanup releases nothing of the new pipeline's
    assertThat(claims.releaseAll("uid-old")).isEmpty();
    assertThat(claims.claim(new SinkClaim("db.rows", "team-b", "x", "uid-x"))).isEqualTo(again);
  }

  @Test
  void ofPipelinesRacingForOneTableExactlyOneWins() throws Exception {
    SinkClaims claims = newClaims("claims_race");
    claims.createIfMissing();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<SinkClaim>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        SinkClaim wanted = new SinkClaim("ks.race", "team-" + i, "p", "uid-" + i);
        results.add(pool.submit((Callable<SinkClaim>) () -> claims.claim(wanted)));
      }
      List<SinkClaim> held = new ArrayList<>();
      for (Future<SinkClaim> result : results) {
        held.add(result.get());
      }
      assertThat(held).as("every claimant sees the same holder").containsOnly(held.get(0));
    } finally {
      pool.shutdownNow();
    }
  }
}
