package dev.insight.streaming.sinkstores;

/**
 * Which pipeline writes into which table or collection of one sink cluster, kept beside the offset
 * stores (in {@code streaming_pipeline.claims}), so that a second pipeline naming a table another
 * one writes to is refused instead of mixing its rows in. The first pipeline to claim a table holds
 * it until it releases it (on deletion); a pipeline of the same namespace and name with another UID
 * (the same pipeline made again) takes the claim over.
 */
public interface SinkClaims {

  /** The table or collection holding the claims, in the offset stores' keyspace or database. */
  String CLAIMS = "claims";

  /** Creates the claims table or collection (and the keyspace or database) when missing. */
  void createIfMissing();

  /**
   * Claims {@code wanted.sink()} for {@code wanted}'s pipeline, atomically. Returns the claim that
   * holds the sink afterwards: {@code wanted} itself when the pipeline holds it, else the other
   * pipeline's.
   */
  SinkClaim claim(SinkClaim wanted);

  /** Releases every claim the pipeline with {@code uid} holds; returns the sinks released. */
  java.util.List<String> releaseAll(String uid);
}
