package dev.insight.streaming.local.demo;

/**
 * Where the pipeline's servers are on this machine, to rewrite a manifest's addresses with.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param cassandraContactPoint Cassandra's {@code host:port}
 * @param cassandraDatacenter Cassandra's local datacenter
 * @param mongoUri the MongoDB-wire server's connection string
 */
public record ServerAddresses(
    String bootstrapServers,
    String cassandraContactPoint,
    String cassandraDatacenter,
    String mongoUri) {}
