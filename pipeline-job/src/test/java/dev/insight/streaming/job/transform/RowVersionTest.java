package dev.insight.streaming.job.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowVersionTest {

  @Test
  void ordersByTimestampThenPartitionThenOffset() {
    RowVersion older = new RowVersion(1_000, 7, 900);
    RowVersion sameMillisLowerPartition = new RowVersion(2_000, 0, 50);
    RowVersion sameMillisHigherPartition = new RowVersion(2_000, 1, 3);
    RowVersion sameMillisSamePartitionLaterOffset = new RowVersion(2_000, 1, 4);

    assertThat(
            List.of(
                older,
                sameMillisLowerPartition,
                sameMillisHigherPartition,
                sameMillisSamePartitionLaterOffset))
        .isSorted();
    assertThat(older).isLessThan(sameMillisLowerPartition);
    assertThat(new RowVersion(5, 2, 9)).isEqualByComparingTo(new RowVersion(5, 2, 9));
  }

  @Test
  void textSortsLikeTheVersion() {
    Random random = new Random(19);
    List<RowVersion> versions = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      versions.add(
          new RowVersion(
              random.nextInt(3) * 1_700_000_000_000L + random.nextInt(5),
              random.nextInt(12),
              random.nextInt(3) == 0 ? random.nextLong(Long.MAX_VALUE) : random.nextInt(2000)));
    }
    List<RowVersion> byText = new ArrayList<>(versions);
    byText.sort(Comparator.comparing(RowVersion::text));
    versions.sort(Comparator.naturalOrder());
    assertThat(byText).isEqualTo(versions);
    assertThat(new RowVersion(1_733_140_000_123L, 3, 42).text())
        .isEqualTo("1733140000123/0000000003/0000000000000000042");
  }

  @Test
  void cassandraWriteTimeIsTheTimestampInMicrosecondsWithTheOffsetAsTieBreaker() {
    assertThat(new RowVersion(1_733_140_000_123L, 3, 42).cassandraWriteTime())
        .isEqualTo(1_733_140_000_123_042L);
    // a later millisecond always wins, whatever the offsets
    assertThat(new RowVersion(2, 0, 0).cassandraWriteTime())
        .isGreaterThan(new RowVersion(1, 9, 999).cassandraWriteTime());
    // within a millisecond, a later offset of the same partition wins
    assertThat(new RowVersion(1, 0, 11).cassandraWriteTime())
        .isGreaterThan(new RowVersion(1, 0, 10).cassandraWriteTime());
  }

  @Test
  void aRecordWithoutTimestampCountsAsTheOldest() {
    assertThat(new RowVersion(-1, 0, 5)).isLessThan(new RowVersion(0, 0, 6));
    assertThat(new RowVersion(-1, 0, 5).timestamp()).isZero();
  }
}
